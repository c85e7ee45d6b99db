// Characters that change how text looks without being seen: bidirectional controls (a right-to-left
// override makes "gpj.exe" read as "exe.jpg") and zero-width characters (they hide text, split a word
// so it no longer matches, or carry an invisible prompt injection). A report is text for people to
// read and for the bot to match, so these are taken out where text enters (see redact()) and again
// wherever text is rendered (records stored before, and names, which come from the platforms).
/** Bidi embeddings and overrides (U+202A-E), isolates (U+2066-9), marks (U+200E/F, U+061C). */
const BIDI = "\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C";
/** Zero-width space, non-joiner and joiner, word joiner, byte-order mark; invisible operators (U+2061-4). */
const ZERO_WIDTH = "\u200B-\u200D\u2060-\u2064\uFEFF";
/** Unicode tag characters (U+E0000-E007F): invisible ASCII, a known carrier of hidden prompts. */
const TAGS = "\u{E0000}-\u{E007F}";

export const INVISIBLE = new RegExp(`[${BIDI}${ZERO_WIDTH}${TAGS}]`, "gu");

/** The text without invisible and direction-changing characters. */
export const stripInvisible = (s: string): string => s.replace(INVISIBLE, "");
