// `/incident show INC-…` and `/incident list [open|mine|safety|security]`: answered ephemerally, so
// only the person who asked sees the incident (and only what they may see: src/domain/visibility.ts).
import type { LookupRequest } from "../../../../src/bot/lookup.js";
import type { Actor } from "../../../../src/domain/incident.js";
import { incidentDetailMessage, incidentListMessage } from "../../blocks/lookup.js";
import { renderReply, type SlackMessage } from "../../blocks/reply.js";
import type { SlackDeps } from "../../deps.js";

/** The answer to a look-up parsed by parseLookup (src/bot/lookup.ts). */
export async function lookupAnswer(d: SlackDeps, user: Actor, req: LookupRequest | { error: string }): Promise<SlackMessage> {
  if ("error" in req) return renderReply({ kind: "notice", level: "warning", text: req.error });
  const out = await d.app.lookup.run({ actor: user }, req);
  if (!out.ok) return renderReply({ kind: "notice", level: "warning", text: out.message });
  return out.kind === "show" ? incidentDetailMessage(out.detail) : incidentListMessage(out.list);
}
