// Who is on call: the roster file's schema and the rotation arithmetic. Hand-offs happen at a local
// wall-clock time in the roster's time zone, so rotations stay put across daylight-saving changes.
import { z } from "zod";
import { OutsideTargets } from "./outside.js";
import { fieldProblems } from "./problems.js";
import { Domain, Severity } from "./vocabulary.js";
import { formatterPerZone } from "./zone-format.js";

export const Platform = z.enum(["slack", "teams", "console", "webhook"]);
export type Platform = z.infer<typeof Platform>;

export const Person = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "lower-case handle, e.g. ada or ada.lovelace"),
  name: z.string().min(1).max(100),
  slack: z.string().regex(/^[UW][A-Z0-9]{2,20}$/, "a Slack user id such as U012ABCDEF").optional(),
  teams: z.string().min(1).max(200).optional(),
  email: z.email().optional(),
  /** their PagerDuty user id: an acknowledgement or resolve they make in PagerDuty is mirrored as theirs. */
  pagerduty: z.string().regex(/^P[A-Z0-9]{5,13}$/, "a PagerDuty user id such as PABC123").optional(),
});
export type Person = z.infer<typeof Person>;

const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "not a known IANA time zone, e.g. Europe/Berlin or UTC");

export const Rotation = z.strictObject({
  every: z.enum(["daily", "weekly"]),
  /** first local day of the rotation (YYYY-MM-DD): person #1 of each level is on call from then. */
  startDate: z.iso.date(),
  handoff: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM, 24-hour").default("09:00"),
  timeZone: TimeZone.default("UTC"),
});
export type Rotation = z.infer<typeof Rotation>;

export const Destinations = z.strictObject({
  slack: z.strictObject({ channel: z.string().regex(/^[CG][A-Z0-9]{2,20}$/, "a Slack channel id such as C012ABCDEF") }).optional(),
  teams: z
    .strictObject({ conversationId: z.string().min(1).max(300), serviceUrl: z.url().optional(), tenantId: z.string().optional() })
    .optional(),
  console: z.strictObject({ channel: z.string().min(1).max(80) }).optional(),
  webhook: z.strictObject({ url: z.url() }).optional(),
});
export type Destinations = z.infer<typeof Destinations>;

export const EscalationMinutes = z.strictObject({
  SEV1: z.number().positive().max(10080),
  SEV2: z.number().positive().max(10080),
  SEV3: z.number().positive().max(10080),
  SEV4: z.number().positive().max(10080),
});
export type EscalationMinutes = z.infer<typeof EscalationMinutes>;

/**
 * An incident channel per incident (src/domain/incident-room.ts): a Slack channel and/or a Teams channel
 * thread where responders work it, with the ticket card pinned and kept current. Absent: none are opened.
 */
export const IncidentChannel = z
  .strictObject({
    /** the severities that get one (SEV1 and SEV2 unless said). */
    severities: z.array(Severity).min(1).max(4).default(["SEV1", "SEV2"]),
    /** a public Slack channel `inc-<year>-<number>-<title>`; `invite`: roster ids invited besides the on-call, commander and reporter. */
    slack: z.strictObject({ invite: z.array(z.string()).max(20).default([]) }).optional(),
    /** a new thread in this Teams channel (the team channel's id, e.g. 19:abc@thread.tacv2) starting with the card. */
    teams: z.strictObject({ channelId: z.string().regex(/^19:[^;\s]{1,250}$/, "a Teams channel id such as 19:abc123@thread.tacv2") }).optional(),
  })
  .refine((c) => c.slack || c.teams, "name where to open it: slack, teams or both");
export type IncidentChannel = z.infer<typeof IncidentChannel>;

export const DomainRoster = z.strictObject({
  destinations: Destinations,
  rotation: Rotation,
  /** levels[0] is paged first; each level lists the people who take turns at it. */
  levels: z.array(z.array(z.string()).min(1)).min(1).max(5),
  escalationMinutes: EscalationMinutes,
  /**
   * Where to say so when this domain's tickets or pages are late (still failing after
   * DELIVERY_LATE_AFTER_MS): best another platform or channel than `destinations`, which is failing.
   */
  fallback: Destinations.optional(),
  /** paging and ticketing beyond chat (src/domain/outside.ts): pagerduty, opsgenie, jira. */
  ...OutsideTargets,
  /** a channel of its own for the incidents of these severities; absent: none. */
  incidentChannel: IncidentChannel.optional(),
});

export const DIGEST_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "daily"] as const;

/** The scheduled manager digest: when (local wall-clock time in a time zone), which period, where to. */
export const DigestConfig = z.strictObject({
  schedule: z.strictObject({
    day: z.enum(DIGEST_DAYS, { error: `one of ${DIGEST_DAYS.join(", ")}` }),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM, 24-hour, e.g. 09:00"),
    timeZone: TimeZone.default("UTC"),
  }),
  period: z.enum(["7d", "30d"], { error: "7d or 30d" }).default("7d"),
  destinations: Destinations.refine((d) => Object.values(d).some(Boolean), "name at least one of slack, teams, console, webhook"),
});
export type DigestConfig = z.infer<typeof DigestConfig>;

export const Roster = z
  .strictObject({
    people: z.array(Person).min(1),
    managers: z.array(z.string()).default([]),
    /** may act on tickets of either domain (acknowledge, reroute, resolve). */
    incidentManagers: z.array(z.string()).default([]),
    domains: z.strictObject({ safety: DomainRoster, security: DomainRoster }),
    /** optional scheduled summary for managers (see src/digest). */
    digest: DigestConfig.optional(),
    /** whose calendar days summaries and charts count in; see summaryTimeZone(). */
    summaryTimeZone: TimeZone.optional(),
  })
  .superRefine((r, ctx) => {
    const ids = new Set<string>();
    r.people.forEach((p, i) => {
      if (ids.has(p.id)) ctx.addIssue({ code: "custom", path: ["people", i, "id"], message: `duplicate person '${p.id}'` });
      ids.add(p.id);
    });
    const check = (id: string, path: (string | number)[]) => {
      if (!ids.has(id)) ctx.addIssue({ code: "custom", path, message: `'${id}' is not listed under people` });
    };
    r.managers.forEach((id, i) => check(id, ["managers", i]));
    r.incidentManagers.forEach((id, i) => check(id, ["incidentManagers", i]));
    for (const d of Domain.options) {
      r.domains[d].levels.forEach((lvl, li) => lvl.forEach((id, pi) => check(id, ["domains", d, "levels", li, pi])));
      r.domains[d].incidentChannel?.slack?.invite.forEach((id, i) => check(id, ["domains", d, "incidentChannel", "slack", "invite", i]));
    }
  });
export type Roster = z.infer<typeof Roster>;

/**
 * The time zone summaries and their charts count calendar days in: the roster's `summaryTimeZone`,
 * else the zone the managers' digest is scheduled in (where they read it), else UTC. Rotations have
 * zones of their own, one per domain; a summary spans both, so it needs one zone of its own.
 */
export function summaryTimeZone(roster: Roster): string {
  return roster.summaryTimeZone ?? roster.digest?.schedule.timeZone ?? "UTC";
}

export function parseRoster(doc: unknown, file: string): Roster {
  const r = Roster.safeParse(doc);
  if (r.success) return r.data;
  const problems = fieldProblems(r.error.issues);
  throw new Error(`${file}: invalid on-call roster\n  - ${problems.join("\n  - ")}`);
}

export function person(roster: Roster, id: string): Person | undefined {
  return roster.people.find((p) => p.id === id);
}

/** The person on call at `level` (0-based, clamped to the last level) of a domain at `now`. */
export function onCall(roster: Roster, domain: Domain, level: number, now: Date): Person {
  const d = roster.domains[domain];
  const people = d.levels[Math.min(level, d.levels.length - 1)]!;
  const shift = shiftsSinceStart(d.rotation, now);
  const idx = ((shift % people.length) + people.length) % people.length;
  return person(roster, people[idx]!)!;
}

export function levelCount(roster: Roster, domain: Domain): number {
  return roster.domains[domain].levels.length;
}

export function ackMinutes(roster: Roster, domain: Domain, severity: Severity): number {
  return roster.domains[domain].escalationMinutes[severity];
}

/** Finds the roster person behind a chat identity (platform user id, or handle on the console). */
export function personByIdentity(roster: Roster, platform: Platform, userId: string): Person | undefined {
  return roster.people.find((p) =>
    platform === "slack" ? p.slack === userId : platform === "teams" ? p.teams === userId : p.id === userId,
  );
}

function shiftsSinceStart(rot: Rotation, now: Date): number {
  const local = localParts(now, rot.timeZone);
  const [sy, sm, sd] = rot.startDate.split("-").map(Number) as [number, number, number];
  let days = Math.round((Date.UTC(local.y, local.m - 1, local.d) - Date.UTC(sy, sm - 1, sd)) / 86_400_000);
  if (local.hm < rot.handoff) days -= 1; // before today's hand-off the previous shift is still on
  return Math.floor(days / (rot.every === "weekly" ? 7 : 1));
}

const rotationFormat = formatterPerZone("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

function localParts(now: Date, timeZone: string): { y: number; m: number; d: number; hm: string } {
  const parts = Object.fromEntries(rotationFormat(timeZone).formatToParts(now).map((p) => [p.type, p.value]));
  return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day), hm: `${parts.hour}:${parts.minute}` };
}
