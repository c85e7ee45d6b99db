// What every public-record export starts from, and how it says no. The exports are previews: they are
// printed for a person to review and submit by hand; nothing here sends anything anywhere.
import type { Incident } from "../domain/incident.js";
import type { AiSystem } from "../domain/inventory.js";
import { redact } from "../domain/redact.js";

export interface ExportInput {
  incident: Incident;
  /** the inventory system the incident is about, when known (`--system ID`). */
  system?: AiSystem;
  /** the organisation's public name (inventory `organisation`). */
  organisation: string;
  /** a public URL about the incident (AIID requires one; internal chat links must never go out). */
  url?: string;
  /** when the export is made (AIID's date_published and date_downloaded). */
  now: Date;
}

export type ExportRefusalCode = "WRONG_DOMAIN" | "NO_TECHNIQUE" | "NEEDS_URL" | "TOO_SHORT";
export type ExportResult<T> = { ok: true; record: T } | { ok: false; code: ExportRefusalCode; message: string };

/**
 * Free text on its way out. Descriptions were redacted when stored, but titles of older records,
 * resolution notes and inventory names were not necessarily: a public record gets a second pass.
 */
export const clean = (text: string) => redact(text).text;

export const descriptionOf = (i: Incident) => clean(typeof i.answers.description === "string" ? i.answers.description : i.title);
export const answerOf = (i: Incident, q: string) => (typeof i.answers[q] === "string" ? (i.answers[q] as string) : undefined);
export const answersOf = (i: Incident, q: string) => [i.answers[q] ?? []].flat();
export const dateOf = (iso: string) => iso.slice(0, 10);
export const systemLabel = (s: AiSystem) => clean(`${s.name} ${s.version}`);

/** The first line of every export's output: what it is, and that it went nowhere. */
export const PREVIEW_NOTE = "preview only: nothing was sent; review it, then submit it yourself";
