// Where free text enters the bot: every text answer is redacted here, before it is validated, stored,
// pre-triaged, posted or logged, and the conversation keeps a note of what kind was taken out where.
import type { Question } from "../domain/flow.js";
import { MARKER, SecretKind, describeHits, redact, type RedactionHit, type RedactionHitNote } from "../domain/redact.js";
import type { Conversation } from "../store/types.js";
import { notice, type Reply } from "./reply.js";

export interface CleanText {
  text: string;
  hits: RedactionHit[];
}

/**
 * The text as it may be kept. A marker can be longer than the secret it replaces: text that was
 * within the question's limit is cut back to it rather than refused for what the bot itself added.
 */
export function cleanText(raw: string, maxLength?: number): CleanText {
  const r = redact(raw);
  const text = maxLength !== undefined && raw.length <= maxLength && r.text.length > maxLength ? r.text.slice(0, maxLength) : r.text;
  // A step that crossed Redis (src/turns) was redacted by the web process before it was queued: its
  // markers are counted as found here too, so the person still hears what was removed.
  const ours = new Set(r.hits.map((h) => h.offset));
  const before: RedactionHit[] = [];
  for (const m of text.matchAll(MARKER)) {
    const kind = SecretKind.safeParse(m[1]);
    if (kind.success && !ours.has(m.index)) before.push({ kind: kind.data, offset: m.index });
  }
  const hits = [...r.hits.filter((h) => h.offset < text.length), ...before].sort((a, b) => a.offset - b.offset);
  return { text, hits };
}

export const textLimit = (q: Question | undefined) => (q?.kind === "text" ? q.maxLength : undefined);

/** The conversation's notes with this question's replaced (a re-answer after Back starts afresh). */
export function withNotes(conv: Conversation, question: string, hits: RedactionHit[]): Conversation {
  const kept = (conv.redactions ?? []).filter((n) => n.question !== question);
  const added: RedactionHitNote[] = hits.map((h) => ({ question, kind: h.kind, offset: h.offset }));
  const all = [...kept, ...added].slice(0, 500);
  const { redactions: _drop, ...rest } = conv;
  return all.length ? { ...rest, redactions: all } : rest;
}

/** Tells the responder what was taken out (never the secret) and that the chat itself still has it. */
export function redactionNotice(hits: RedactionHit[]): Reply[] {
  if (!hits.length) return [];
  return [
    notice(
      `I removed ${describeHits(hits)} from your answer before saving it; the report and the on-call only see [REDACTED]. ` +
        "It is still in this chat's history: delete your message if you can, and rotate the credential.",
      "warning",
    ),
  ];
}
