// `triage eval`: the figures the README reports, computed the same way every time. On the public
// corpus: the frozen test split (never trained or tuned on) and the hand-written reports (a second,
// style-different set). On an organisation's store: its own confirmed incidents. Every figure is
// the current model reading the description afresh, exactly as the bot would.
import { classify } from "../domain/classify.js";
import type { Flow } from "../domain/flow.js";
import type { Incident } from "../domain/incident.js";
import { intentFigures, setF1, type EvalCase, type IntentFigures } from "../domain/intent-eval.js";
import type { CompiledIntentModel } from "../domain/intent-model.js";
import { preTriage, type SignalModel } from "../domain/pretriage.js";
import type { RefCatalog } from "../domain/refs.js";
import { CONTRACT, coreOf, type Answers, type Domain } from "../domain/vocabulary.js";
import { classifyText } from "../bot/oneshot.js";
import type { CorpusItem } from "./load.js";
import { confirmedDomain, type HandwrittenReport, type Prepared } from "./pipeline.js";

export interface Readers {
  flow: Flow;
  signals: SignalModel;
  intent: CompiledIntentModel;
  refs: RefCatalog;
}

/** Per question: how often the proposal is right among all reports, among proposals, and how often none. */
export interface QuestionFigures {
  n: number;
  accuracy: number;
  precision: number;
  proposed: number;
  abstention: number;
}

export interface CorpusEvaluation {
  model: Record<string, unknown>;
  frozenTest: IntentFigures & { bySource: Record<string, IntentFigures>; kinds: Record<string, QuestionFigures> };
  frozenTestLowConfidence: IntentFigures;
  handwritten: IntentFigures & { crossDomain: ReturnType<typeof setF1>; questions: Record<string, QuestionFigures> };
  /** per audit group: hand labels compared with the MIT rule's (random sample; model-guided review of test items) */
  labelAudit: Record<string, { n: number; disagree: number }>;
}

const SECURITY_INTENTS = new Set(["deliberate", "suspected"]);
const domainOfIntent = (v: unknown): Domain | undefined => (typeof v !== "string" ? undefined : SECURITY_INTENTS.has(v) ? "security" : v === "none" ? "safety" : undefined);

/** The reading exactly as the bot makes it (content floor, reader, lexicon corroboration). */
function caseOf(text: string, truth: Domain, r: Readers): EvalCase {
  const read = preTriage(text, r.signals, r.intent);
  const side = domainOfIntent(read.inferred.intent?.value);
  return { truth, ...(read.pSecurity !== undefined ? { pSecurity: read.pSecurity } : {}), ...(side ? { side } : {}) };
}

export function evaluateCorpus(p: Prepared, handwritten: HandwrittenReport[], r: Readers): CorpusEvaluation {
  const cases = (items: CorpusItem[]) => items.map((i) => caseOf(i.text, i.domain, r));
  const sources = [...new Set(p.test.map((i) => i.source))].sort();
  return {
    model: r.intent.model.trainedOn,
    frozenTest: {
      ...intentFigures(cases(p.test)),
      bySource: Object.fromEntries(sources.map((s) => [s, intentFigures(cases(p.test.filter((i) => i.source === s)))])),
      kinds: kindFigures(p.test, r),
    },
    frozenTestLowConfidence: intentFigures(cases(p.testLowConfidence)),
    handwritten: evaluateHandwritten(handwritten, r),
    labelAudit: auditByGroup(p.corpus.audit),
  };
}

/**
 * The kind an incident's MIT risk subdomain implies, where it implies one (a rough label: MIT's
 * subdomains were not made for our kinds, so only the clear correspondences are used).
 */
export function derivedKind(i: Pick<CorpusItem, "domain" | "subdomain">): { question: "attackKind" | "failureKind"; value: string } | undefined {
  const s = i.subdomain ?? "";
  if (i.domain === "security" && (s.startsWith("4.1") || s.startsWith("4.3"))) return { question: "attackKind", value: "malicious-use" };
  if (i.domain !== "safety") return undefined;
  if (s.startsWith("1.1") || s.startsWith("1.3")) return { question: "failureKind", value: "bias" };
  if (s.startsWith("1.2")) return { question: "failureKind", value: "harmful-output" };
  if (s.startsWith("3.1")) return { question: "failureKind", value: "hallucination" };
  return undefined;
}

/** Attack and failure kinds on the test split, against the labels the MIT subdomains imply. */
function kindFigures(items: CorpusItem[], r: Readers): Record<string, QuestionFigures> {
  const byKind = new Map<string, { question: string; cases: { expected: string; got: Inferred }[] }>();
  for (const i of items) {
    const kind = derivedKind(i);
    if (!kind) continue;
    const key = `${kind.question}=${kind.value}`;
    const entry = byKind.get(key) ?? { question: kind.question, cases: [] };
    entry.cases.push({ expected: kind.value, got: preTriage(i.text, r.signals, r.intent).inferred as Inferred });
    byKind.set(key, entry);
  }
  return Object.fromEntries([...byKind].sort().map(([k, e]) => [k, scoreQuestion(e.cases, e.question)]));
}

function auditByGroup(audit: Prepared["corpus"]["audit"]): CorpusEvaluation["labelAudit"] {
  const out: CorpusEvaluation["labelAudit"] = {};
  for (const a of audit) {
    const g = (out[a.group] ??= { n: 0, disagree: 0 });
    g.n++;
    if (a.hand !== a.rule) g.disagree++;
  }
  return out;
}

function evaluateHandwritten(reports: HandwrittenReport[], r: Readers): CorpusEvaluation["handwritten"] {
  const labelled = reports.filter((x) => domainOfIntent(x.expect.intent));
  const intent = intentFigures(labelled.map((x) => caseOf(x.text, domainOfIntent(x.expect.intent)!, r)));
  const cross = labelled.map((x) => ({
    predicted: classifyText(x.text, r).crossDomain as string[],
    expected: classify(coreOf(x.expect as Answers), r.flow, r.refs).crossDomain as string[],
  }));
  const inferred = new Map(reports.map((x) => [x.id, preTriage(x.text, r.signals, r.intent).inferred as Inferred]));
  const questions: Record<string, QuestionFigures> = {};
  for (const q of ["intent", "attackKind", "failureKind", "asset", "ciaLost", "harm"] as const) {
    questions[q] = scoreQuestion(reports.filter((x) => x.expect[q] !== undefined).map((x) => ({ expected: x.expect[q]!, got: inferred.get(x.id)! })), q);
  }
  return { ...intent, crossDomain: setF1(cross), questions };
}

function same(a: string | string[], b: string | string[], many: boolean): boolean {
  if (!many) return a === b;
  const x = [a].flat().sort();
  const y = [b].flat().sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

type Inferred = Record<string, { value: string | string[] } | undefined>;

/** Per question: each case's expected answer against what the reader proposed for it. */
function scoreQuestion(cases: { expected: string | string[]; got: Inferred }[], q: string): QuestionFigures {
  let right = 0;
  let proposed = 0;
  for (const c of cases) {
    const got = c.got[q];
    if (!got) continue;
    proposed++;
    if (same(got.value, c.expected, (CONTRACT as Record<string, { kind: string }>)[q]?.kind === "many")) right++;
  }
  return questionFigures(cases.length, right, proposed);
}

function questionFigures(n: number, right: number, proposed: number): QuestionFigures {
  const r = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 1000 : 0);
  return { n, accuracy: r(right, n), precision: r(right, proposed), proposed, abstention: r(n - proposed, n) };
}

// ----------------------------------------------------------------------- the organisation's store

export interface OrgEvaluation {
  window: { from: string; to: string };
  incidents: number;
  confirmed: number;
  intent: IntentFigures;
  /** per question: the current model's proposal against what the responder answered */
  questions: Record<string, QuestionFigures>;
  /** per question: what was proposed when the incidents were filed (the model of that day), kept or changed */
  atFiling: Record<string, { proposed: number; kept: number; changed: number }>;
}

export function evaluateOrg(incidents: Incident[], r: Readers, window: { from: Date; to: Date }): OrgEvaluation {
  const confirmed = incidents.flatMap((i) => {
    const domain = confirmedDomain(i);
    const text = typeof i.answers.description === "string" ? i.answers.description : "";
    return domain && text ? [{ i, domain, text }] : [];
  });
  const inferred = new Map(confirmed.map((c) => [c.i.id, preTriage(c.text, r.signals, r.intent).inferred as Inferred]));
  const questions: Record<string, QuestionFigures> = {};
  for (const q of ["attackKind", "failureKind", "asset", "ciaLost", "harm"] as const) {
    const answered = confirmed.filter((c) => c.i.answers[q] !== undefined && c.i.answers[q] !== "");
    questions[q] = scoreQuestion(answered.map((c) => ({ expected: c.i.answers[q] as string | string[], got: inferred.get(c.i.id)! })), q);
  }
  const atFiling: OrgEvaluation["atFiling"] = {};
  for (const i of incidents) {
    for (const [q, p] of Object.entries(i.pretriage?.proposals ?? {})) {
      const f = (atFiling[q] ??= { proposed: 0, kept: 0, changed: 0 });
      f.proposed++;
      if (p.accepted) f.kept++;
      else if (p.chosen !== undefined) f.changed++;
    }
  }
  return {
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    incidents: incidents.length,
    confirmed: confirmed.length,
    intent: intentFigures(confirmed.map((c) => caseOf(c.text, c.domain, r))),
    questions,
    atFiling,
  };
}
