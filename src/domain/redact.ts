// Secret redaction: responders paste logs, configs and curl lines into incident reports, and whatever
// they paste would otherwise be stored, posted to on-call channels and logged. Every free text is
// passed through redact() where it enters the bot, so the rest only ever sees `[REDACTED:kind]`.
// Pure and total: never throws, never returns the secret, and redact(redact(x)) === redact(x).
import { z } from "zod";
import { stripInvisible } from "./invisible.js";

export const SecretKind = z.enum([
  "private-key",
  "jwt",
  "url-password",
  "slack-webhook",
  "slack-token",
  "github-token",
  "anthropic-api-key",
  "openai-api-key",
  "stripe-key",
  "aws-access-key",
  "aws-secret-key",
  "gcp-api-key",
  "gcp-oauth-token",
  "azure-key",
  "azure-client-secret",
  "bearer-token",
  "password",
  "secret",
  "high-entropy",
]);
export type SecretKind = z.infer<typeof SecretKind>;

/** Where a secret was: its kind and the offset of its marker in the redacted text. Never the secret. */
export interface RedactionHit {
  kind: SecretKind;
  offset: number;
}

/** A hit as the conversation keeps it until the incident is filed: which answer, which kind, where. */
export const RedactionHitNote = z.strictObject({
  question: z.string().min(1).max(64),
  kind: SecretKind,
  offset: z.number().int().min(0),
});
export type RedactionHitNote = z.infer<typeof RedactionHitNote>;

/** What an incident keeps: per answer and kind, how many secrets were redacted. */
export const RedactionNote = z.strictObject({
  question: z.string().min(1).max(64),
  kind: SecretKind,
  count: z.number().int().min(1),
});
export type RedactionNote = z.infer<typeof RedactionNote>;

export function summarizeHits(hits: ReadonlyArray<{ question: string; kind: SecretKind }>): RedactionNote[] {
  const out: RedactionNote[] = [];
  for (const h of hits) {
    const note = out.find((n) => n.question === h.question && n.kind === h.kind);
    if (note) note.count++;
    else out.push({ question: h.question, kind: h.kind, count: 1 });
  }
  return out;
}

export const MARKER = /\[REDACTED:([a-z-]{1,24})\]/g;
export const marker = (kind: SecretKind) => `[REDACTED:${kind}]`;
/** The longest marker: a redaction grows the text by less than this per secret. */
export const MAX_MARKER_LENGTH = Math.max(...SecretKind.options.map((k) => marker(k).length));

interface Rule {
  kind: SecretKind;
  re: RegExp;
  /** the capture group holding the secret (the rest of the match is context, kept). */
  group?: number;
  /** a context-sensitive check on the captured value (e.g. not a placeholder). */
  accept?: (value: string, match: RegExpExecArray) => boolean;
}

const PLACEHOLDER = /^(?:\*+|x{3,}|\.{3}|<[^>]*>|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%[A-Za-z_]+%|\{\{[^}]*\}\}|true|false|null|none|nil|undefined|redacted|changeme|yes|no)$/i;
// Code compares with placeholders too: `if (password == null)`.
const notPlaceholder = (v: string) => !PLACEHOLDER.test(unquote(v).replace(/[)\]}]+$/, ""));
const credentialLike = (v: string) => v.length >= 6 && /\d|[_\-/+=]/.test(v);
/**
 * A value: double- or single-quoted (backslash escapes inside, to the closing quote or the end of the
 * line, so a value cut off mid-quote is still taken), or unquoted up to a space, quote, comma or ';'.
 */
const VALUE = /"(?:[^"\\\n]|\\.){1,300}(?:"|(?=\n)|$)|'(?:[^'\\\n]|\\.){1,300}(?:'|(?=\n)|$)|[^\s"',;]{1,300}/;
/** After a keyword: an optional closing quote, the operator (group 1), then the value (group 2). */
const ASSIGN = new RegExp(`["']?\\s*(=>|:=|===?(?!=)|[:=](?![=>]))\\s*(${VALUE.source})`);
const decode64 = (v: string) => {
  try {
    return atob(v);
  } catch {
    return "";
  }
};
const unquote = (v: string) => (/^(["']).*\1$/s.test(v) && v.length >= 2 ? v.slice(1, -1) : v);

// First in the list wins when two rules claim overlapping text (the union is redacted either way).
const RULES: Rule[] = [
  { kind: "private-key", re: /-----BEGIN (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----|$)/g },
  { kind: "jwt", re: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g },
  // `scheme://user:pass@host`, also with an empty user (redis://:pass@host) and with '@', ':', '/' or
  // '#' left unencoded in the password: the password runs to the *last* '@' that a host follows, so no
  // fragment of it is left after an inner '@'. A port with a path (host:443/@scope/pkg) is not one.
  {
    kind: "url-password",
    re: /\b[a-z][a-z0-9+.-]{1,30}:\/\/([^\s:/?#@"'<>`|]{0,256}):([^\s"<>`]{1,256})@(?=[A-Za-z0-9[_-])/gi,
    group: 2,
    accept: (v, m) => m[1] === "" || !/^\d{1,5}(?:[/?#]|$)/.test(v),
  },
  { kind: "slack-webhook", re: /\bhttps:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{20,}/g },
  { kind: "slack-token", re: /\b(?:xox[abposrce]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})/g },
  { kind: "github-token", re: /\b(?:(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { kind: "anthropic-api-key", re: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  // "sk-" slugs in prose (sk-learn-model-selection) have no digits and capitals mixed in.
  { kind: "openai-api-key", re: /\bsk-(?:proj-|svcacct-|admin-)?(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Z])[A-Za-z0-9_-]{20,}/g },
  { kind: "stripe-key", re: /\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { kind: "aws-access-key", re: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}\b/g },
  { kind: "aws-secret-key", re: /\baws[\w.-]{0,30}?(?:secret|sk)[\w.-]{0,20}?["']?\s*[=:]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi, group: 1 },
  { kind: "gcp-api-key", re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  { kind: "gcp-oauth-token", re: /\bya29\.[0-9A-Za-z_-]{20,}/g },
  { kind: "azure-key", re: /\b(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{20,}={0,2})/g, group: 1 },
  { kind: "azure-key", re: /[?&]sig=([A-Za-z0-9%+/=]{20,})/g, group: 1 },
  { kind: "azure-client-secret", re: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g },
  { kind: "bearer-token", re: /\bBearer\s+((?=[A-Za-z0-9._~+/-]*\d)[A-Za-z0-9._~+/-]{16,}=*)/g, group: 1 },
  // Assignments: `password=...`, `"api_key": "..."`, `DB_PASSWORD: ...`, `'password' => '...'` (PHP,
  // Ruby), `:token => "..."`, `pwd := "..."` (Go). The keyword must end at a word boundary, so
  // max_tokens=4096 or password_reset=true are left alone. `=>` needs a quoted value: unquoted, it is
  // an arrow function (`token => token.trim()`).
  {
    kind: "password",
    re: new RegExp(`\\b[\\w.-]{0,40}?(?:password|passwd|passphrase|pwd)${ASSIGN.source}`, "gi"),
    group: 2,
    accept: (v, m) => notPlaceholder(v) && (m[1] !== "=>" || /^["']/.test(v)),
  },
  {
    kind: "secret",
    re: new RegExp(`\\b[\\w.-]{0,40}?(?:secret|api[_-]?key|apikey|access[_-]?key|private[_-]?key|token|credentials?)${ASSIGN.source}`, "gi"),
    group: 2,
    // After a colon, prose is common ("token: the model ..."): an unquoted value must look like one.
    accept: (v, m) =>
      notPlaceholder(v) && (/^["']/.test(v) || (m[1] !== "=>" && (m[1] !== ":" || credentialLike(v.replace(/[.!?]+$/, ""))))),
  },
  // Command-line flags with the value after a space: `--password hunter2`, `--api-key "..."`.
  { kind: "password", re: new RegExp(`(?<![\\w-])--?(?:password|passwd|pass|pwd)[ \\t]+(${VALUE.source})`, "gi"), group: 1, accept: notPlaceholder },
  { kind: "secret", re: new RegExp(`(?<![\\w-])--(?:api-key|apikey|token|secret|client-secret)[ \\t]+(${VALUE.source})`, "gi"), group: 1, accept: notPlaceholder },
  // XML and config elements: <password>...</password>, <ApiKey>...</ApiKey>.
  { kind: "password", re: /<([\w:.-]{0,40}?(?:password|passwd|pwd))>([^<\n]{1,200})<\/\1>/gi, group: 2, accept: notPlaceholder },
  { kind: "secret", re: /<([\w:.-]{0,40}?(?:secret|api[_-]?key|apikey|token))>([^<\n]{1,300})<\/\1>/gi, group: 2, accept: notPlaceholder },
  // HTTP basic auth: the base64 is user:password.
  { kind: "password", re: /\bBasic\s+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/g, group: 1, accept: (v) => /^[\x20-\x7e]+:[\x20-\x7e]+$/.test(decode64(v)) },
];

const HASH_PREFIX = /(?:sha1|sha224|sha256|sha384|sha512|md5|blake2b?|sha3)[-:=]$/i;
// `=` only as base64 padding: inside a run it is an assignment (KEY=value), which splits tokens.
const TOKEN = /[A-Za-z0-9+/_-]{20,}={0,2}/g;

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/**
 * A generic credential: long, mixed-case letters and digits, high entropy. Hex hashes (one case),
 * UUIDs, ids, slugs, versions and words in camelCase stay: they fail the charset or entropy test.
 */
export function looksRandom(token: string): boolean {
  const t = token.replace(/^[=/+_-]+|[=/+_-]+$/g, "");
  if (t.length < 20 || /^(?:sha\d*|md5|blake2b?)[-:=]/i.test(t)) return false;
  const upper = (t.match(/[A-Z]/g) ?? []).length;
  const lower = (t.match(/[a-z]/g) ?? []).length;
  const digits = (t.match(/\d/g) ?? []).length;
  if (!upper || !lower || !digits) return false;
  // camelCase words have few capitals, each followed by lower-case runs; random text switches often.
  const switches = (t.match(/[a-z][A-Z0-9]|[A-Z0-9][a-z]/g) ?? []).length;
  if (switches < t.length / 5) return false;
  return entropy(t) >= (t.length >= 32 ? 4.2 : 3.9);
}

interface Span {
  start: number;
  end: number;
  kind: SecretKind;
  rank: number;
}

function spansIn(segment: string, base: number): Span[] {
  const out: Span[] = [];
  RULES.forEach((rule, rank) => {
    for (const m of segment.matchAll(new RegExp(rule.re.source, rule.re.flags.includes("d") ? rule.re.flags : `${rule.re.flags}d`))) {
      const idx = (m as RegExpExecArray & { indices: Array<[number, number] | undefined> }).indices[rule.group ?? 0];
      const value = m[rule.group ?? 0];
      if (!idx || value === undefined || (rule.accept && !rule.accept(value, m))) continue;
      let [start, end] = idx;
      if (rule.group && /^(["']).*\1$/s.test(value) && value.length >= 2) [start, end] = [start + 1, end - 1];
      if (end > start) out.push({ start: base + start, end: base + end, kind: rule.kind, rank });
    }
  });
  for (const m of segment.matchAll(TOKEN)) {
    const before = segment.slice(Math.max(0, m.index - 10), m.index);
    if (!HASH_PREFIX.test(before) && looksRandom(m[0])) out.push({ start: base + m.index, end: base + m.index + m[0].length, kind: "high-entropy", rank: RULES.length });
  }
  return out;
}

/** Overlapping spans become one, named after the highest-ranked rule among them. */
function merge(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && s.start < last.end) {
      last.end = Math.max(last.end, s.end);
      if (s.rank < last.rank) Object.assign(last, { kind: s.kind, rank: s.rank });
    } else out.push({ ...s });
  }
  return out;
}

/** One pass over the text between existing markers (markers are never matched again). */
function pass(text: string, ours: number[]): { text: string; ours: number[]; found: number } {
  const spans: Span[] = [];
  let from = 0;
  for (const m of text.matchAll(MARKER)) {
    spans.push(...spansIn(text.slice(from, m.index), from));
    from = m.index + m[0].length;
  }
  spans.push(...spansIn(text.slice(from), from));
  const merged = merge(spans);
  if (!merged.length) return { text, ours, found: 0 };
  let out = "";
  let at = 0;
  const shifted: number[] = [];
  let delta = 0;
  let oi = 0;
  for (const s of merged) {
    // Markers found earlier move by what was replaced before them.
    while (oi < ours.length && ours[oi]! < s.start) shifted.push(ours[oi++]! + delta);
    out += text.slice(at, s.start);
    shifted.push(out.length);
    const mark = marker(s.kind);
    out += mark;
    delta += mark.length - (s.end - s.start);
    at = s.end;
  }
  while (oi < ours.length) shifted.push(ours[oi++]! + delta);
  return { text: out + text.slice(at), ours: shifted.sort((a, b) => a - b), found: merged.length };
}

export interface Redacted {
  text: string;
  hits: RedactionHit[];
}

/**
 * Replaces every secret found by `[REDACTED:kind]`; repeats until nothing new is found (at most 4
 * passes). Bidi controls and zero-width characters are removed first (src/domain/invisible.ts).
 */
export function redact(input: string): Redacted {
  // Invisible characters first: a zero-width space inside a key hides it from every rule (and a
  // renderer that drops it would show the key whole), and a stored title must not read backwards.
  let state = { text: typeof input === "string" ? stripInvisible(input) : "", ours: [] as number[] };
  for (let i = 0; i < 4; i++) {
    const next = pass(state.text, state.ours);
    state = next;
    if (!next.found) break;
  }
  const hits = state.ours.map((offset) => {
    const kind = /^\[REDACTED:([a-z-]+)\]/.exec(state.text.slice(offset))?.[1];
    return { kind: SecretKind.parse(kind), offset };
  });
  return { text: state.text, hits };
}

/** "2 secrets (an AWS access key, a password)": for the notice to the responder. */
export function describeHits(hits: ReadonlyArray<{ kind: SecretKind }>): string {
  const kinds = [...new Set(hits.map((h) => LABEL[h.kind]))];
  return `${hits.length} ${hits.length === 1 ? "secret" : "secrets"} (${kinds.join(", ")})`;
}

const LABEL: Record<SecretKind, string> = {
  "private-key": "a private key",
  jwt: "a JWT",
  "url-password": "a password in a URL",
  "slack-webhook": "a Slack webhook URL",
  "slack-token": "a Slack token",
  "github-token": "a GitHub token",
  "anthropic-api-key": "an Anthropic API key",
  "openai-api-key": "an OpenAI API key",
  "stripe-key": "a Stripe key",
  "aws-access-key": "an AWS access key",
  "aws-secret-key": "an AWS secret key",
  "gcp-api-key": "a Google API key",
  "gcp-oauth-token": "a Google OAuth token",
  "azure-key": "an Azure key",
  "azure-client-secret": "an Azure client secret",
  "bearer-token": "a bearer token",
  password: "a password",
  secret: "a secret or API key",
  "high-entropy": "a token-like string",
};
