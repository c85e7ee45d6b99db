// Durable-mode fixtures: a roster whose destinations are a local webhook, the app on a real Redis,
// and a quick way to file incidents (worker processes: test/support/app-procs.ts).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { createRedisApp, type App } from "../../src/app.js";
import { replay } from "../../src/bot/oneshot.js";
import { loadConfig } from "../../src/config.js";
import { draftIncident, type Incident } from "../../src/domain/incident.js";
import { parseRoster, type Roster } from "../../src/domain/roster.js";
import { silentLogger } from "../../src/log.js";
import type { Notifier } from "../../src/tickets/notifier.js";
import { NotifierRouter } from "../../src/tickets/notifier.js";
import { defs } from "./defs.js";
import { DATA_LEAK_REPORT as securityAnswers, HALLUCINATION_REPORT as safetyAnswers } from "./answers.js";

export function webhookRosterDoc(url: string, escalationMinutes = 60) {
  const minutes = { SEV1: escalationMinutes, SEV2: escalationMinutes, SEV3: escalationMinutes, SEV4: escalationMinutes };
  const domain = (d: string) => ({
    destinations: { webhook: { url: `${url}/${d}` } },
    rotation: { every: "weekly", startDate: "2026-01-05", handoff: "09:00", timeZone: "UTC" },
    levels: [[d === "safety" ? "ada" : "alan"], ["radia"]],
    escalationMinutes: minutes,
  });
  return {
    people: [
      { id: "ada", name: "Ada" },
      { id: "alan", name: "Alan" },
      { id: "radia", name: "Radia" },
      { id: "maya", name: "Maya" },
    ],
    managers: ["maya"],
    incidentManagers: ["radia"],
    domains: { safety: domain("safety"), security: domain("security") },
  };
}

export function writeRoster(doc: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "triage-roster-")), "oncall.yaml");
  writeFileSync(file, stringify(doc));
  return file;
}

export function redisApp(redisUrl: string, prefix: string, roster: Roster, notifier: Notifier = new NotifierRouter([]), role: "web" | "worker" = "web"): App {
  const cfg = loadConfig({ REDIS_URL: redisUrl, QUEUE_PREFIX: prefix });
  return createRedisApp({ ...cfg, REDIS_URL: redisUrl }, { notifier, log: silentLogger, defs: { ...defs(), roster }, role });
}

export const rosterFrom = (doc: unknown) => parseRoster(doc, "test");

/** Files one incident the way the bot does on the last answer: classify, route, create, dispatch. */
/** The incident the bot would file for a sample report of `domain` (classified and routed). */
export function sampleDraft(app: App, conversationId: string, domain: "safety" | "security" = "security") {
  const r = replay({ answers: domain === "security" ? securityAnswers : safetyAnswers }, app.defs);
  if (!r.ok) throw new Error(r.error);
  return draftIncident({ conversationId, reporter: { platform: "console", userId: "tester" }, answers: r.answers, classification: r.classification, routing: r.routing, now: app.clock.now() });
}

export async function fileIncident(app: App, conversationId: string, domain: "safety" | "security" = "security"): Promise<Incident> {
  const { incident } = await app.incidents.create(sampleDraft(app, conversationId, domain));
  await app.actions.dispatch(incident);
  return incident;
}
