// How the bot reads a description: the offline model alone (the default, nothing leaves the process),
// or the offline model and an LLM combined when an organisation configures one. Whatever happens to
// the LLM, the conversation gets an answer: failures are logged once as a warning and the offline
// reading is used alone.
import { combineReadings } from "../domain/combine-readings.js";
import type { CompiledIntentModel } from "../domain/intent-model.js";
import { preTriage, type PreTriage, type SignalModel } from "../domain/pretriage.js";
import type { Logger } from "../log.js";
import { askLlm, type LlmSettings } from "./llm-reader.js";

export type Inferred = PreTriage["inferred"];
/** Reads a (redacted) description into suggested answers; never rejects. */
export type ReadDescription = (text: string) => Promise<PreTriage>;
/** The offline readers: the lexicon and the calibrated intent reader. */
export interface OfflineModels {
  signals: SignalModel;
  intent?: CompiledIntentModel;
}

export const offlineReader =
  (m: OfflineModels): ReadDescription =>
  async (text) =>
    preTriage(text, m.signals, m.intent);

export function descriptionReader(llm: LlmSettings | undefined, models: OfflineModels, log: Logger, fetchImpl: typeof fetch = fetch): ReadDescription {
  const offline = offlineReader(models);
  if (!llm) return offline;
  return async (text) => {
    const mine = await offline(text);
    try {
      const r = await askLlm(text, llm, fetchImpl);
      if (!r.ok) {
        log.warn({ reason: r.reason, llm: llm.model }, "LLM reader unavailable; suggestions come from the offline model alone");
        return mine;
      }
      if (r.dropped.length) log.info({ dropped: r.dropped, llm: llm.model }, "LLM proposals dropped: a quote was not in the description");
      return { ...mine, inferred: combineReadings(mine.inferred, r.inferred as Inferred) };
    } catch (e) {
      // askLlm does not throw; this is the belt to its braces, so a bug here never reaches a responder.
      log.warn({ reason: String(e), llm: llm.model }, "LLM reader failed; suggestions come from the offline model alone");
      return mine;
    }
  };
}
