// The organisation's AI systems (INVENTORY_FILE): what an incident is about, who answers for it, and
// the EU AI Act facts a public record or a regulator asks for (role, risk class, Annex III area, EU
// database number). Pure: the file is read elsewhere; this module validates it and looks things up.
import { z } from "zod";
import { fieldProblems } from "./problems.js";

export const SystemRole = z.enum(["provider", "deployer"]);
export const RiskClass = z.enum(["minimal", "limited", "high", "prohibited"]);
/** The eight areas of Annex III of Regulation (EU) 2024/1689 (high-risk AI systems), by point. */
export const AnnexIII = z.enum([
  "1-biometrics",
  "2-critical-infrastructure",
  "3-education",
  "4-employment",
  "5-essential-services",
  "6-law-enforcement",
  "7-migration-asylum-border",
  "8-justice-democracy",
]);

const Handle = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "lower-case id, e.g. support-bot");
export const SystemChannel = z.strictObject({
  platform: z.enum(["slack", "teams"]),
  /** a Slack channel id (C…, G…) or a Teams channel/conversation id. */
  id: z.string().min(1).max(300),
});

export const AiSystem = z
  .strictObject({
    id: Handle,
    name: z.string().min(1).max(120),
    version: z.string().min(1).max(40),
    role: SystemRole,
    riskClass: RiskClass,
    annexIII: AnnexIII.optional(),
    /** registration number in the EU database for high-risk systems (Art. 71). */
    euDatabaseId: z.string().min(1).max(80).optional(),
    /** who built the model or system, when it is not us (a public record names developers). */
    developer: z.string().min(1).max(200).optional(),
    /** roster people ids (config/oncall.*.yaml `people`). */
    owners: z.array(Handle).min(1).max(20),
    channels: z.array(SystemChannel).max(50).default([]),
  })
  // An Annex III area only means something for a high-risk system; a high-risk one must say which.
  .refine((s) => (s.riskClass === "high") === (s.annexIII !== undefined), {
    path: ["annexIII"],
    message: "required when riskClass is high, and only then",
  });
export type AiSystem = z.infer<typeof AiSystem>;

export const Inventory = z
  .strictObject({
    /** the organisation's name as it should appear on public records (deployer, reporter). */
    organisation: z.string().min(1).max(200),
    systems: z.array(AiSystem).max(500),
  })
  .superRefine((inv, ctx) => {
    const seen = new Set<string>();
    inv.systems.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: "custom", path: ["systems", i, "id"], message: `duplicate system id '${s.id}'` });
      seen.add(s.id);
    });
  });
export type Inventory = z.infer<typeof Inventory>;

export function parseInventory(doc: unknown, file: string): Inventory {
  const r = Inventory.safeParse(doc);
  if (r.success) return r.data;
  const problems = fieldProblems(r.error.issues);
  throw new Error(`${file}: invalid AI system inventory\n  - ${problems.join("\n  - ")}`);
}

export const systemById = (inv: Inventory, id: string): AiSystem | undefined => inv.systems.find((s) => s.id === id);

/**
 * The system a report from this channel is probably about: only when exactly one system lists the
 * channel, since a shared channel (#ai-incidents) says nothing about which system it is.
 */
export function suggestSystemForChannel(inv: Inventory, platform: "slack" | "teams", channelId: string): AiSystem | undefined {
  const hits = inv.systems.filter((s) => s.channels.some((c) => c.platform === platform && c.id === channelId));
  return hits.length === 1 ? hits[0] : undefined;
}

/** Owners that are not people of the roster: an owner nobody can page is a typo waiting for an incident. */
export const unknownOwners = (inv: Inventory, peopleIds: ReadonlySet<string>) =>
  inv.systems.flatMap((s) => s.owners.filter((o) => !peopleIds.has(o)).map((o) => `${s.id}: owner '${o}'`));

/**
 * The system a description names: its inventory name (a whole phrase, any case) or its id. Only when
 * exactly one system is named, since two names in one report say nothing about which was at fault.
 */
export function suggestSystemFromText(inv: Inventory, text: string): AiSystem | undefined {
  const lower = ` ${text.toLowerCase().replace(/[^\p{L}\p{N}-]+/gu, " ")} `;
  const words = (s: string) => ` ${s.toLowerCase().replace(/[^\p{L}\p{N}-]+/gu, " ").trim()} `;
  const hits = inv.systems.filter((s) => lower.includes(words(s.name)) || lower.includes(words(s.id)));
  return hits.length === 1 ? hits[0] : undefined;
}

/** The answer to the flow's `highRisk` question the inventory gives for a system, with its evidence. */
export function highRiskSuggestion(s: AiSystem): { value: "yes" | "no"; confidence: number; evidence: string[] } {
  return { value: s.riskClass === "high" ? "yes" : "no", confidence: 0.9, evidence: [`${s.name} is listed as ${s.riskClass} risk${s.annexIII ? ` (Annex III ${s.annexIII})` : ""} in the AI system inventory`.slice(0, 200)] };
}
