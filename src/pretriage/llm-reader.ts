// The HTTP side of the optional LLM reader: one POST {base}/chat/completions (the OpenAI-compatible
// shape that Azure OpenAI's v1 API, vLLM, Ollama and most gateways speak) with the redacted
// description, under a hard timeout. It never throws: every failure comes back as a reason, and the
// caller falls back to the offline model.
import { DESCRIPTION_MAX } from "../domain/vocabulary.js";
import { redact } from "../domain/redact.js";
import { parseReply, responseFormat, SYSTEM_PROMPT, type ParsedReply } from "./llm-reply.js";

export interface LlmSettings {
  /** API root, e.g. https://gateway.example/v1 or http://127.0.0.1:11434/v1 (Ollama). */
  baseUrl: string;
  model: string;
  apiKey: string;
  /** the whole exchange (connect, answer, body) must finish within this. */
  timeoutMs: number;
}

/** A reply larger than this is not an answer to our small schema. */
const MAX_BODY_CHARS = 1_000_000;

/** Asks the model for the contract answers of `description`; `fetchImpl` is for tests. */
export async function askLlm(description: string, s: LlmSettings, fetchImpl: typeof fetch = fetch): Promise<ParsedReply> {
  // The conversation hands us redacted text already; `triage classify` does not. Redacting again is
  // a no-op on redacted text, and guarantees no credential ever leaves the organisation this way.
  const text = redact(description.slice(0, DESCRIPTION_MAX)).text;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), s.timeoutMs);
  try {
    const res = await fetchImpl(`${s.baseUrl.replace(/\/+$/, "")}/chat/completions`, {
      method: "POST",
      signal: abort.signal,
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${s.apiKey}`,
        // Azure OpenAI reads its key from api-key; everyone else ignores the header.
        "api-key": s.apiKey,
      },
      body: JSON.stringify({
        model: s.model,
        temperature: 0,
        messages: [
          { role: "system", content: SYSTEM_PROMPT },
          { role: "user", content: text },
        ],
        response_format: responseFormat(),
      }),
    });
    // The body is read under the same signal, so a server that stalls mid-answer times out too.
    const body = await res.text();
    if (res.status === 429) return { ok: false, reason: "rate limited by the LLM endpoint (HTTP 429)" };
    if (!res.ok) return { ok: false, reason: `the LLM endpoint answered HTTP ${res.status}` };
    if (body.length > MAX_BODY_CHARS) return { ok: false, reason: `malformed reply: larger than ${MAX_BODY_CHARS} characters` };
    return parseReply(body, text);
  } catch (e) {
    if (abort.signal.aborted) return { ok: false, reason: `no answer within ${s.timeoutMs} ms` };
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return { ok: false, reason: `the LLM endpoint could not be reached${cause ? ` (${cause})` : ""}` };
  } finally {
    clearTimeout(timer);
  }
}
