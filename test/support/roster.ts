// A roster for tests, with ids on every platform so the same people can act from Slack, Teams or the console.
import { parseRoster, type Roster } from "../../src/domain/roster.js";

/** `incidentChannel`: per domain, its incident channel block (src/domain/roster.ts IncidentChannel). */
export function testRoster(overrides: { destinations?: Record<string, unknown>; incidentChannel?: Record<string, unknown> } = {}): Roster {
  const dest = (d: string) => overrides.destinations?.[d] ?? { console: { channel: `#${d}` } };
  const room = (d: string) => (overrides.incidentChannel?.[d] ? { incidentChannel: overrides.incidentChannel[d] } : {});
  return parseRoster(
    {
      people: [
        { id: "ada", name: "Ada", slack: "U0ADA", teams: "aad-ada" },
        { id: "grace", name: "Grace", slack: "U0GRACE", teams: "aad-grace" },
        { id: "alan", name: "Alan", slack: "U0ALAN", teams: "aad-alan" },
        { id: "hedy", name: "Hedy", slack: "U0HEDY", teams: "aad-hedy" },
        { id: "radia", name: "Radia", slack: "U0RADIA", teams: "aad-radia" },
        { id: "maya", name: "Maya", slack: "U0MAYA", teams: "aad-maya" },
      ],
      managers: ["maya"],
      incidentManagers: ["radia"],
      domains: {
        safety: {
          destinations: dest("safety"),
          ...room("safety"),
          rotation: { every: "weekly", startDate: "2026-01-05", handoff: "09:00", timeZone: "Europe/Berlin" },
          levels: [["ada", "grace"], ["radia"]],
          escalationMinutes: { SEV1: 5, SEV2: 15, SEV3: 60, SEV4: 240 },
        },
        security: {
          destinations: dest("security"),
          ...room("security"),
          rotation: { every: "daily", startDate: "2026-01-05", handoff: "09:00", timeZone: "UTC" },
          levels: [["alan", "hedy"], ["radia"]],
          escalationMinutes: { SEV1: 5, SEV2: 15, SEV3: 30, SEV4: 120 },
        },
      },
    },
    "test-roster",
  );
}
