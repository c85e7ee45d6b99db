// `triage update|subscribe|unsubscribe INC-… --as PERSON_ID` (issue 16, point 4): the command line acts
// as a roster person through the same ticket actions as chat; unknown people and bad input are refused
// with one line (exit 2) before anything connects. The logic runs here on the embedded app (its queue
// runs the status job in process); the last test runs the real executable.
import { describe, expect, it, onTestFinished } from "vitest";
import { createEmbeddedApp } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { actingAs } from "../../src/commands/acting-as.js";
import { runStatus } from "../../src/commands/status.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { RecordingNotifier } from "../../src/tickets/notifier.js";
import { runCli } from "../support/cli.js";
import { defs } from "../support/defs.js";
import { fileIncident } from "../support/durable.js";
import { testRoster } from "../support/roster.js";

const roster = testRoster();

async function setup() {
  const notifier = new RecordingNotifier(["console"]);
  const app = createEmbeddedApp(loadConfig({}), { notifier, log: silentLogger, clock: new ManualClock(), defs: { ...defs(), roster } });
  onTestFinished(() => app.close());
  const incident = await fileIncident(app, "cli-status", "safety");
  await app.idle();
  const out: string[] = [];
  return { app, notifier, incident, out, io: { tickets: app.actions, roster, out: (t: string) => void out.push(t) } };
}

describe("the status commands at the command line", () => {
  it("--as names a roster person, or the command is refused", () => {
    expect(actingAs(roster, { as: "ada" })).toEqual({ platform: "console", userId: "ada", name: "Ada" });
    expect(() => actingAs(roster, {})).toThrow(/--as PERSON_ID is required/);
    expect(() => actingAs(roster, { as: "mallory" })).toThrow(/--as 'mallory' is not a person in the on-call roster/);
  });

  it("subscribe, then update: the card's channel and the subscriber's console hear of it once", async () => {
    const { app, notifier, incident, out, io } = await setup();
    expect(await runStatus("subscribe", { as: "maya" }, [incident.id], io)).toBe(0);
    expect(out.at(-1)).toContain(`Subscribed to ${incident.id}`);
    expect(await runStatus("update", { as: "ada" }, [incident.id, "Rolled back the prompt template"], io)).toBe(0);
    await app.idle();
    const sent = notifier.sent.filter((m) => (m.kind === "update" || m.kind === "reminder") && "text" in m && m.text.includes("Rolled back the prompt template"));
    expect(sent.map((m) => [m.kind, m.to.address])).toEqual([
      ["update", "#safety"],
      ["reminder", "@maya"],
    ]);
    expect((await app.incidents.get(incident.id))!.latestStatus).toMatchObject({ text: "Rolled back the prompt template", by: { platform: "console", userId: "ada" } });
    expect(await runStatus("unsubscribe", { as: "maya" }, [incident.id], io)).toBe(0);
    expect((await app.incidents.get(incident.id))!.subscribers).toEqual([]);
  });

  it("refuses someone who may not post, and bad input, changing nothing", async () => {
    const { app, incident, io } = await setup();
    const before = (await app.incidents.get(incident.id))!;
    await expect(runStatus("update", { as: "maya" }, [incident.id, "all good"], io)).rejects.toMatchObject({ code: "USAGE", message: expect.stringContaining("can post a status update") });
    await expect(runStatus("update", { as: "ada" }, [incident.id], io)).rejects.toMatchObject({ code: "USAGE", message: expect.stringContaining("needs an incident id and the text") });
    await expect(runStatus("subscribe", { as: "ada" }, ["INC-42"], io)).rejects.toMatchObject({ code: "USAGE" });
    await expect(runStatus("subscribe", { as: "hedy" }, [incident.id], io)).rejects.toMatchObject({ code: "USAGE", message: expect.stringContaining("cannot show you") });
    expect((await app.incidents.get(incident.id))!.rev).toBe(before.rev);
  });

  it("the executable says what is wrong on one line and exits 2, before connecting anywhere", async () => {
    const unknown = await runCli(["update", "INC-2026-0001", "all good", "--as", "mallory"]);
    expect([unknown.code, unknown.err.trim()]).toEqual([2, expect.stringContaining("--as 'mallory' is not a person in the on-call roster")]);
    const missing = await runCli(["subscribe", "INC-2026-0001"]);
    expect([missing.code, missing.err]).toEqual([2, expect.stringContaining("--as PERSON_ID is required")]);
  });
});
