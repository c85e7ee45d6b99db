// Reads the public incident collections (AI Incident Database export, MITRE ATLAS case studies) from
// a folder laid out like ../shared/datasets and labels every incident (src/corpus/labels.ts). This is
// the only code that reads the collections; training and evaluation take its CorpusItem[].
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ROOT } from "../config.js";
import { parse } from "yaml";
import type { Domain } from "../domain/vocabulary.js";
import { parseCsv } from "./csv.js";
import { HandLabels, aiidLabel, mitRule, type HandLabel, type MitRow } from "./labels.js";

export interface CorpusItem {
  source: "aiid" | "atlas";
  /** the source's own id: AIID incident_id, ATLAS case-study id */
  id: string;
  text: string;
  domain: Domain;
  /** how the label was derived */
  how: string;
  confidence: "high" | "low";
  url: string;
  /** MIT's risk subdomain where the source has one: derives kind labels for evaluation (evaluate.ts) */
  subdomain?: string;
}
export interface Corpus {
  items: CorpusItem[];
  /** incidents read but left out, with why (no label, too short) */
  skipped: { source: string; id: string; why: string }[];
  /** hand labels that audit the MIT rule (never applied): the hand's and the rule's label per incident */
  audit: { id: string; group: string; hand: Domain; rule: Domain }[];
  /** organisation and product names from the export's deployer / developer columns (one-word slugs) */
  names: string[];
}

export class CorpusError extends Error {
  readonly code = "CORPUS_MISSING";
}

/** The default place of the public collections: ../shared/datasets beside the checkout. */
export const DEFAULT_CORPUS_DIR = resolve(ROOT, "..", "shared", "datasets");
const HAND_LABELS = join(ROOT, "corpus", "hand-labels.yaml");

export function corpusAvailable(dir = DEFAULT_CORPUS_DIR): boolean {
  return existsSync(join(dir, "aiid", "incidents.csv"));
}

export function loadHandLabels(path = HAND_LABELS): HandLabel[] {
  if (!existsSync(path)) return [];
  return HandLabels.parse(parse(readFileSync(path, "utf8"))).labels;
}

export function loadCorpus(dir = DEFAULT_CORPUS_DIR, hand: HandLabel[] = loadHandLabels()): Corpus {
  const incidents = join(dir, "aiid", "incidents.csv");
  if (!existsSync(incidents)) {
    throw new CorpusError(
      `${incidents}: not found. Point --corpus at a folder with aiid/incidents.csv (an AI Incident Database export, ` +
        "https://incidentdatabase.ai/research/snapshots/) and optionally aiid/classifications_MIT.csv and atlas-case-studies/*.yaml",
    );
  }
  const out: Corpus = { items: [], skipped: [], audit: [], names: [] };
  const names = new Set<string>();
  const mit = new Map<string, MitRow>();
  const mitFile = join(dir, "aiid", "classifications_MIT.csv");
  if (existsSync(mitFile)) {
    for (const r of parseCsv(readFileSync(mitFile, "utf8"))) {
      mit.set(r["Incident ID"]!, { intent: r.Intent ?? "", subdomain: r["Risk Subdomain"] ?? "", entity: r.Entity ?? "" });
    }
  }
  const handById = new Map(hand.filter((h) => !h.audit).map((h) => [String(h.id), h]));
  for (const r of parseCsv(readFileSync(incidents, "utf8"))) {
    const id = r.incident_id!;
    const text = joinText(r.title, r.description);
    for (const col of ["Alleged deployer of AI system", "Alleged developer of AI system"]) for (const n of slugs(r[col])) names.add(n);
    const label = aiidLabel(mit.get(id), handById.get(id));
    if (!label.ok) out.skipped.push({ source: "aiid", id, why: label.why });
    else if (text.length < 20) out.skipped.push({ source: "aiid", id, why: "no description" });
    else {
      const subdomain = mit.get(id)?.subdomain;
      out.items.push({ source: "aiid", id, text, domain: label.domain, how: label.how, confidence: label.confidence, url: `https://incidentdatabase.ai/cite/${id}`, ...(subdomain ? { subdomain } : {}) });
    }
  }
  out.names = [...names].sort();
  const audits = new Map(hand.filter((x) => x.audit).map((h) => [`${h.group}:${h.id}`, h]));
  for (const h of audits.values()) {
    const rule = mitRule(mit.get(String(h.id)));
    if (rule) out.audit.push({ id: String(h.id), group: h.group, hand: h.domain, rule: rule.domain });
  }
  const atlasDir = join(dir, "atlas-case-studies");
  if (existsSync(atlasDir)) {
    for (const f of readdirSync(atlasDir).filter((x) => x.endsWith(".yaml")).sort()) {
      const doc = parse(readFileSync(join(atlasDir, f), "utf8")) as { id?: string; name?: string; summary?: string };
      if (!doc?.id || !doc.summary) continue;
      out.items.push({
        source: "atlas",
        id: doc.id,
        text: joinText(doc.name, stripMarkdown(doc.summary)),
        domain: "security",
        how: "atlas: every ATLAS case study is an attack on an AI system",
        confidence: "high",
        url: `https://atlas.mitre.org/studies/${doc.id}`,
      });
    }
  }
  return out;
}

/** `["openai","keolis-north-america"]` → one-word slugs only ("openai"): a hyphenated slug is
 * several ordinary words as often as it is a name. */
function slugs(cell: string | undefined): string[] {
  try {
    const list = JSON.parse(cell ?? "[]") as unknown;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string" && /^[a-z0-9.]{3,40}$/.test(x)) : [];
  } catch {
    return [];
  }
}

function joinText(title: string | undefined, body: string | undefined): string {
  const t = (title ?? "").trim();
  const b = (body ?? "").trim();
  if (!t) return b;
  return /[.!?]$/.test(t) ? `${t} ${b}` : `${t}. ${b}`;
}

/** `[text](url)` → text; ATLAS `{{...}}` references dropped. */
function stripMarkdown(s: string): string {
  return s.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/\{\{[^}]*\}\}/g, "").replace(/\s+/g, " ");
}
