// The reporting obligations file (flows/obligations.yaml): which regimes make an AI incident
// reportable, to whom, by when, and the legal text each rule rests on. Laws and their application
// dates change (the EU omnibus moves AI Act dates), and organisations differ in what applies to them,
// so this is data an organisation can replace, validated at load with errors naming the file, the
// regime and the field, like the flow file.
import { z } from "zod";
import { Condition } from "./flow.js";

/** Art. 3(49) AI Act effects that make an incident "serious". */
export const Effect = z.enum([
  "death",
  "serious-harm-to-health",
  "critical-infrastructure-disruption",
  "fundamental-rights-infringement",
  "property-or-environment-harm",
]);
export type Effect = z.infer<typeof Effect>;

/** Facts the triage questions do not ask (yet): given by the caller, absent means "not known". */
export const Facts = z.strictObject({
  /** the AI system is high-risk under the AI Act (Art. 6, Annexes I and III). */
  highRisk: z.boolean().optional(),
  effects: z.array(Effect).optional(),
  /** personal data was affected (a personal data breach in the GDPR's sense, Art. 4(12)). */
  personalData: z.boolean().optional(),
  /** a widespread infringement in the AI Act's sense (Art. 3(61)): across Member States. */
  widespreadInfringement: z.boolean().optional(),
  /** when the reporting party became aware; defaults to the time the incident was reported. */
  awareAt: z.iso.datetime().optional(),
});
export type Facts = z.infer<typeof Facts>;

/** Conditions on the facts; every key given must hold (a list means any of). */
const FactCondition = z.strictObject({
  highRisk: z.boolean().optional(),
  effects: z.array(Effect).min(1).optional(),
  personalData: z.boolean().optional(),
  widespreadInfringement: z.boolean().optional(),
});
export type FactCondition = z.infer<typeof FactCondition>;

const Source = z.strictObject({
  /** e.g. "Regulation (EU) 2024/1689, Art. 73(2)" */
  article: z.string().min(1).max(200),
  url: z.url({ protocol: /^https$/ }),
});
export type Source = z.infer<typeof Source>;

const RuleId = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "lower-case letters, digits and dashes");

/** A rule matches when every part given matches: answers (like the flow's conditions) and facts. */
const TriggerShape = {
  id: RuleId,
  because: z.string().min(1).max(300),
  answers: Condition.optional(),
  facts: FactCondition.optional(),
};
// A rule with no condition would match every incident: almost certainly a mistake in the file.
const hasCondition = (t: { answers?: unknown; facts?: unknown }) => t.answers !== undefined || t.facts !== undefined;
const NO_CONDITION = { message: "give answers, facts or both", path: ["answers"] };
const Trigger = z.strictObject(TriggerShape).refine(hasCondition, NO_CONDITION);
export type Trigger = z.infer<typeof Trigger>;

const Within = z.union([
  z.strictObject({ hours: z.number().int().min(1).max(24 * 366) }),
  z.strictObject({ days: z.number().int().min(1).max(366) }),
]);
export type Within = z.infer<typeof Within>;

/**
 * When the on-call and the managers are reminded of an open obligation: a fraction of the time from
 * awareness to the deadline (0.5 = half time), or a time before the deadline.
 */
export const ReminderPoint = z.union([
  z.strictObject({ fraction: z.number().gt(0).lt(1) }),
  z.strictObject({ before: Within }),
]);
export type ReminderPoint = z.infer<typeof ReminderPoint>;
const Reminders = z.array(ReminderPoint).max(10);
export const DEFAULT_REMINDERS: ReminderPoint[] = [{ fraction: 0.5 }, { before: { hours: 24 } }];

const DeadlineShape = { within: Within, source: Source };
const ShorterDeadline = z.strictObject({ ...TriggerShape, ...DeadlineShape }).refine(hasCondition, NO_CONDITION);
export type ShorterDeadline = z.infer<typeof ShorterDeadline>;

/** What a draft report for the regime asks for; the report command knows how to fill each. */
export const ReportField = z.enum([
  "provider", "deployer", "controller", "systemName", "systemVersion", "euDatabaseRegistration", "memberState", "awareAt",
  "description", "harmCategory", "dataSubjects", "likelyConsequences", "causalLink", "immediateActions", "correctiveMeasures", "contact",
]);
export type ReportField = z.infer<typeof ReportField>;

export const Regime = z.strictObject({
  id: RuleId,
  name: z.string().min(1).max(200),
  /** who reports: the AI Act's roles (the GDPR's controller is one of them). */
  reportedBy: z.array(z.enum(["provider", "deployer"])).min(1),
  reportedByNote: z.string().max(300).optional(),
  reportTo: z.string().min(1).max(300),
  /** incidents the reporting party became aware of before this date are not covered. */
  appliesFrom: z.iso.date(),
  appliesFromSource: Source.optional(),
  /** any trigger makes the incident reportable. */
  when: z.array(Trigger).min(1).max(20),
  deadline: z.strictObject(DeadlineShape),
  /** shorter deadlines for named conditions; the shortest that matches wins. */
  shorter: z.array(ShorterDeadline).max(20).default([]),
  initialReport: z.strictObject({ allowed: z.boolean(), source: Source }).optional(),
  /** things to tell whoever prepares the report, each with its source. */
  /** `onTicket`: shown on the ticket card until the obligation is marked reported. */
  warnings: z.array(z.strictObject({ text: z.string().min(1).max(400), source: Source, onTicket: z.boolean().default(false) })).max(20).default([]),
  reportFields: z.array(ReportField).min(1),
  /** this regime's reminder points, instead of the file's. */
  reminders: Reminders.optional(),
});
export type Regime = z.infer<typeof Regime>;

export const ObligationsSchema = z.strictObject({
  version: z.literal(1),
  /** reminder points for every regime that does not give its own. */
  reminders: Reminders.default(DEFAULT_REMINDERS),
  regimes: z.array(Regime).min(1).max(50),
});
export type Obligations = z.infer<typeof ObligationsSchema>;

export class ObligationsError extends Error {
  readonly code = "OBLIGATIONS_INVALID";
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: invalid obligations file\n  - ${problems.join("\n  - ")}`);
  }
}

/** Parses an already-decoded obligations document; `file` is only used to name it in errors. */
export function parseObligations(doc: unknown, file: string): Obligations {
  const parsed = ObligationsSchema.safeParse(doc);
  if (!parsed.success) throw new ObligationsError(file, parsed.error.issues.map((i) => describeIssue(doc, i.path, i.message)));
  const ids = parsed.data.regimes.map((r) => r.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new ObligationsError(file, [`regime '${dup}', field 'id': duplicate id`]);
  return parsed.data;
}

function describeIssue(doc: unknown, path: PropertyKey[], message: string): string {
  if (path[0] === "regimes" && typeof path[1] === "number") {
    const raw = (doc as { regimes?: Array<{ id?: unknown }> }).regimes?.[path[1]];
    const id = typeof raw?.id === "string" ? raw.id : `#${path[1] + 1}`;
    return `regime '${id}', field '${path.slice(2).map(String).join(".") || "(regime)"}': ${message}`;
  }
  return `field '${path.map(String).join(".") || "(root)"}': ${message}`;
}
