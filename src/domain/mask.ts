// Names must not be features: the intent model should learn "tape on a road sign" and "someone
// stole the API keys", not which company or person an incident happened to. Before featurising,
// every proper noun and named entity becomes a placeholder. Without a tagger we decide from shape
// and a vocabulary: a word is kept as itself only if it is an ordinary word (its lower-case form is
// in the common vocabulary the model ships, learned from lower-case use in the corpus) or a generic
// acronym; every other capitalised or mixed-case word, and every known organisation name even when
// typed in lower case, is masked. URLs, e-mail addresses, @handles and numbers are masked too.
// Pure; tokens keep their offsets in the original text so evidence can be quoted exactly.

export interface Token {
  /** what the features see: a lower-case word, or a placeholder such as "<name>" */
  t: string;
  /** [s, e) in the original string (UTF-16 offsets: slice() gives the exact text) */
  s: number;
  e: number;
  /** a sentence or clause ends before this token */
  brk: boolean;
}

export interface MaskVocabulary {
  /** ordinary words: lower-case forms that stay themselves even when capitalised */
  common: ReadonlySet<string>;
  /** organisation and product names that are masked even in lower case */
  names: ReadonlySet<string>;
}

/** Acronyms that name a kind of thing, not an organisation: they stay. */
export const GENERIC_ACRONYMS = new Set(
  ("ai llm llms api apis gpu cpu ceo cfo cto ciso coo hr it ml nlp rag sql pii phi url urls usb gps sms otp mfa 2fa sso vpn ui ux qa pr faq pdf csv " +
    "json ok id ids ip dns http https ssh aws tts asr ocr av avs adas cctv dm dms mcp os ios vp").split(" "),
);

// One token: a URL, an e-mail, an @handle, a number (with separators), or a word (letters, digits,
// inner apostrophes, dots and hyphens as in "v2.3", "e-mail", "don't").
const TOKEN =
  /(https?:\/\/\S+|www\.\S+)|([\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}+)|(@[\p{L}\p{N}_.]+)|([$€£]?\p{N}[\p{N},.]*[%kKmMbB]?)|([\p{L}\p{N}](?:[\p{L}\p{N}]|['’][\p{L}]|[.-](?=[\p{L}\p{N}]))*)/gu;
const BREAK = /[.!?;:\n]|\s[-–—]\s/;
const MAX_TOKENS = 1200;

/** Tokens of the original text with names masked. Never throws. */
export function maskedTokens(text: string, vocab: MaskVocabulary): Token[] {
  const out: Token[] = [];
  let last = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m && out.length < MAX_TOKENS; m = TOKEN.exec(text)) {
    const s = m.index;
    const e = s + m[0].length;
    const brk = out.length === 0 || BREAK.test(text.slice(last, s));
    last = e;
    out.push({ t: placeholder(m) ?? wordToken(m[0], vocab), s, e, brk });
  }
  return out;
}

function placeholder(m: RegExpExecArray): string | undefined {
  if (m[1]) return "<url>";
  if (m[2]) return "<email>";
  if (m[3]) return "<user>";
  if (m[4]) return /^[$€£]|[kKmMbB]$/.test(m[4]) ? "<money>" : "<num>";
  return undefined;
}

function wordToken(w: string, vocab: MaskVocabulary): string {
  const lower = w.toLowerCase().replace(/’/g, "'");
  const base = lower.replace(/'s$/, "");
  if (GENERIC_ACRONYMS.has(base)) return lower;
  if (vocab.names.has(base)) return "<name>";
  if (w === lower) return lower;
  // "I", "A": a capital that is a word
  if (w.length === 1) return lower;
  // Mixed case inside the word (YouTube, ChatGPT, iPhone) is a brand, whatever the vocabulary says.
  if (/\p{Lu}/u.test(w.slice(1)) && w !== w.toUpperCase()) return "<name>";
  return vocab.common.has(base) ? lower : "<name>";
}

/** The masked text as one string, for tests and for showing what the model reads. */
export function maskText(text: string, vocab: MaskVocabulary): string {
  return maskedTokens(text, vocab)
    .map((t) => t.t)
    .join(" ");
}
