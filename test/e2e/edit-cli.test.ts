// `triage edit …`, `triage command` and `triage commander` (issue 16, points 2 and 3 at the command
// line): the same parser and rules as chat, as the roster person `--as` names on the console platform.
// First the logic on the in-memory store, then the CLI as a user runs it against a real Redis store
// (the process test): an edit changes the record and queues the card's update job; an unknown `--as`,
// a person the rules refuse, or no REDIS_URL changes nothing and exits 2 with one line saying why.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { actingAs } from "../../src/commands/acting-as.js";
import { UsageError } from "../../src/commands/command.js";
import { runCommander, runEdit, type EditIO } from "../../src/commands/edit.js";
import { draftIncident, type Incident } from "../../src/domain/incident.js";
import { parseRoster } from "../../src/domain/roster.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import { TicketActions } from "../../src/tickets/actions.js";
import type { TicketJob } from "../../src/tickets/jobs.js";
import { SAFETY_ANSWERS } from "../support/answers.js";
import { runCli } from "../support/cli.js";
import { redisApp, sampleDraft } from "../support/durable.js";
import { recordingQueue } from "../support/fixtures.js";
import { uniquePrefix } from "../support/redis.js";
import { testRoster } from "../support/roster.js";
import { jobState } from "../support/slack-cluster.js";
import { withRedis } from "../support/with-redis.js";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const roster = testRoster();
const NOW = new Date("2026-11-24T10:00:00Z");

async function memory() {
  const incidents = new MemoryIncidentStore();
  const jobs: TicketJob[] = [];
  const tickets = new TicketActions({ incidents, queue: recordingQueue(jobs), roster, clock: new ManualClock(NOW.getTime()) });
  const out: string[] = [];
  const io: EditIO = { tickets, roster, out: (t) => void out.push(t) };
  const draft = draftIncident({
    conversationId: "cli-edit",
    reporter: { platform: "console", userId: "rita" },
    answers: SAFETY_ANSWERS,
    classification: { primary: "safety", provisional: false, crossDomain: [], severity: "SEV3", rationale: ["filed"], refs: [] },
    routing: { domain: "safety", queue: "oncall-safety", cc: [], ackMinutes: 60 },
    now: NOW,
  });
  const { incident } = await incidents.create(draft);
  return { incidents, jobs, out, io, id: incident.id };
}
const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe("--as (src/commands/acting-as.ts)", () => {
  it("names a roster person on the console platform; a missing or unknown id is refused with what to give", () => {
    expect(actingAs(roster, { as: "ada" })).toEqual({ platform: "console", userId: "ada", name: expect.any(String) });
    expect(() => actingAs(roster, {})).toThrow(/--as PERSON_ID is required/);
    expect(() => actingAs(roster, { as: "mallory" })).toThrow(/'mallory' is not a person in the on-call roster/);
  });
});

describe("triage edit (logic, in-memory store)", () => {
  it("changes the severity as the person named, with who and why on the timeline, and queues the card's update", async () => {
    const t = await memory();
    expect(await runEdit({ as: "ada" }, [t.id, "severity", "SEV2", "a", "second", "customer"], t.io)).toBe(0);
    const i = (await t.incidents.get(t.id))!;
    expect(i.classification.severity).toBe("SEV2");
    expect(i.timeline.at(-1)).toMatchObject({ type: "edited", field: "severity", from: "SEV3", to: "SEV2", reason: "a second customer", by: { platform: "console", userId: "ada" } });
    expect(t.out).toEqual([expect.stringContaining("severity SEV3 → SEV2")]);
    expect(t.jobs.some((j) => j.name === "update" && j.rev === i.rev)).toBe(true);
    // Raised while unacknowledged: the timer follows (src/domain/escalation-timer.ts).
    expect(t.jobs.some((j) => j.name === "escalate" && j.gen === i.escalationGen && j.rearm === i.rev)).toBe(true);
  });

  it("takes each verb of the chat parser, in either order; a note and a reopen too", async () => {
    const t = await memory();
    expect(await runEdit({ as: "radia" }, ["note", t.id, "customer", "called", "back"], t.io)).toBe(0);
    expect(await runEdit({ as: "ada" }, [t.id, "kind", "hallucination,bias", "it", "also", "stereotyped"], t.io)).toBe(0);
    const i = (await t.incidents.get(t.id))!;
    expect(i.timeline.filter((e) => e.type === "note" || e.type === "edited").map((e) => e.type)).toEqual(["note", "edited"]);
    expect(i.kinds).toEqual(["hallucination", "bias"]);
    expect(await runEdit({ as: "ada" }, [t.id, "reopen", "not resolved"], t.io)).toBe(0);
    expect(t.out.at(-1)).toContain("nothing changed");
  });

  it("refuses, changing nothing: an unknown --as, a person the rules refuse, a bad value, no reason", async () => {
    const t = await memory();
    const before = (await t.incidents.get(t.id))!;
    const tries: Array<[Record<string, unknown>, string[], RegExp]> = [
      [{ as: "mallory" }, [t.id, "severity", "SEV1", "worse"], /not a person in the on-call roster/],
      [{}, [t.id, "severity", "SEV1", "worse"], /--as PERSON_ID is required/],
      // Alan is the security on-call; Maya a manager: neither edits a safety incident.
      [{ as: "alan" }, [t.id, "severity", "SEV1", "worse"], /Only the safety on-call roster, an incident manager or the commander/],
      [{ as: "maya" }, [t.id, "note", "hello"], /Only the safety on-call roster/],
      [{ as: "ada" }, [t.id, "severity", "SEV9", "worse"], /severity/],
      [{ as: "ada" }, [t.id, "intent", "none"], /reason/],
      [{ as: "ada" }, [t.id], /edit needs an incident id and what to change/],
      [{ as: "ada" }, ["INC-2026-9999", "note", "hello"], /There is no incident INC-2026-9999/],
    ];
    for (const [values, args, message] of tries) {
      const e = await refusal(runEdit(values, args, t.io));
      expect(e, args.join(" ")).toBeInstanceOf(UsageError);
      expect((e as Error).message).toMatch(message);
    }
    expect(await t.incidents.get(t.id)).toEqual(before);
    expect(t.jobs).toEqual([]);
  });
});

describe("triage command / commander (logic, in-memory store)", () => {
  it("takes the role, hands it over to a roster id, and refuses someone the roster does not list", async () => {
    const t = await memory();
    expect(await runCommander("command", { as: "ada" }, [t.id], t.io)).toBe(0);
    expect((await t.incidents.get(t.id))!.commander).toBe("ada");
    expect(await runCommander("commander", { as: "ada" }, [t.id, "grace"], t.io)).toBe(0);
    expect((await t.incidents.get(t.id))!.timeline.at(-1)).toMatchObject({ type: "commander", from: "ada", to: "grace", by: { platform: "console", userId: "ada" } });
    expect(await refusal(runCommander("commander", { as: "ada" }, [t.id, "nobody"], t.io))).toMatchObject({ message: expect.stringContaining("not in the on-call roster") });
    expect(await refusal(runCommander("command", { as: "alan" }, [t.id], t.io))).toMatchObject({ message: expect.stringContaining("Only the safety on-call roster") });
    expect(await refusal(runCommander("commander", { as: "ada" }, [t.id], t.io))).toMatchObject({ message: expect.stringContaining("needs who") });
    expect((await t.incidents.get(t.id))!.commander).toBe("grace");
  });
});

describe("the CLI process on a real Redis store", () => {
  const fx = withRedis();
  // The CLI reads the default roster (config/oncall.example.yaml): ada is on the safety roster, alan on security's.
  const exampleRoster = parseRoster(parse(readFileSync("config/oncall.example.yaml", "utf8")), "example");

  async function stored(prefix: string): Promise<{ id: string; get: () => Promise<Incident | undefined>; jobState: (id: string) => Promise<string | undefined>; close: () => Promise<void> }> {
    const app = redisApp(fx.server.url, prefix, exampleRoster);
    const { incident } = await app.incidents.create(sampleDraft(app, `cli-${prefix}`, "safety"));
    return { id: incident.id, get: () => app.incidents.get(incident.id), jobState: (id) => jobState(app, id), close: () => app.close() };
  }

  it("edits as the person named (the card's update job queued), refuses an unknown id or a refused person without changing anything", async () => {
    const prefix = uniquePrefix();
    const s = await stored(prefix);
    try {
      const env = { REDIS_URL: fx.server.url, QUEUE_PREFIX: prefix };
      const before = (await s.get())!;
      const to = before.classification.severity === "SEV1" ? "SEV2" : "SEV1";
      const unknown = await runCli(["edit", s.id, "severity", to, "two customers now", "--as", "mallory"], "", env);
      expect(unknown).toMatchObject({ code: 2, out: "" });
      expect(unknown.err).toMatch(/^triage: --as 'mallory' is not a person in the on-call roster/);
      const refused = await runCli(["edit", s.id, "severity", to, "two customers now", "--as", "alan"], "", env);
      expect(refused.code).toBe(2);
      expect(refused.err).toContain("Only the safety on-call roster");
      expect(await s.get()).toEqual(before);

      const ok = await runCli(["edit", s.id, "severity", to, "two customers now", "--as", "ada"], "", env);
      expect(ok).toMatchObject({ code: 0, err: "" });
      expect(ok.out).toContain(`${s.id} severity ${before.classification.severity} → ${to}`);
      const after = (await s.get())!;
      expect(after.classification.severity).toBe(to);
      expect(after.timeline.at(-1)).toMatchObject({ type: "edited", by: { platform: "console", userId: "ada", name: "Ada Lovelace" }, reason: "two customers now" });
      // The card and its thread are told by the durable update job, which a worker runs.
      expect(await s.jobState(`${s.id}.u${after.rev}`)).toBe("waiting");

      const command = await runCli(["command", s.id, "--as", "ada"], "", env);
      expect(command.code).toBe(0);
      expect((await s.get())!.commander).toBe("ada");
    } finally {
      await s.close();
    }
  }, 180_000);

  it("without REDIS_URL there is nothing to edit: exit 2, saying so", async () => {
    const r = await runCli(["edit", "INC-2026-0001", "note", "hello", "--as", "ada"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("set REDIS_URL");
  });
});
