// Routing: the primary domain's on-call queue, the other domain copied when the incident crosses
// over, and how long the on-call has to acknowledge before the next level is paged.
import { z } from "zod";
import type { Classification } from "./classify.js";
import { ackMinutes, type Roster } from "./roster.js";
import { Domain, otherDomain } from "./vocabulary.js";

export const QueueName = z.enum(["oncall-safety", "oncall-security"]);
export type QueueName = z.infer<typeof QueueName>;
export const queueFor = (d: Domain): QueueName => `oncall-${d}`;

export const RoutingDecision = z.strictObject({
  domain: Domain,
  queue: QueueName,
  cc: z.array(Domain),
  ackMinutes: z.number().positive(),
});
export type RoutingDecision = z.infer<typeof RoutingDecision>;

export function route(c: Classification, roster: Roster): RoutingDecision {
  return {
    domain: c.primary,
    queue: queueFor(c.primary),
    cc: c.crossDomain.length ? [otherDomain(c.primary)] : [],
    ackMinutes: ackMinutes(roster, c.primary, c.severity),
  };
}
