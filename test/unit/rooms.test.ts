// The channel job's bookkeeping (src/tickets/rooms.ts) against a scripted platform: the intent is on the
// incident before the platform is called, a retry says so (so the platform looks before creating),
// taken names move to the next suffix and give up after ROOM_NAME_ATTEMPTS, and a deliver job enqueues
// the channel job only where one is wanted.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { ROOM_NAME_ATTEMPTS, roomName } from "../../src/domain/incident-room.js";
import { parseRoster } from "../../src/domain/roster.js";
import { silentLogger } from "../../src/log.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import type { TicketJob } from "../../src/tickets/jobs.js";
import { DeliveryError, type Notifier, type Outbound, type RoomOpened, type RoomOpening } from "../../src/tickets/notifier.js";
import { TicketProcessor } from "../../src/tickets/processor.js";
import { jailbreakDraft, recordingQueue } from "../support/fixtures.js";

function roster(incidentChannel?: Record<string, unknown>) {
  const domain = (d: string) => ({
    destinations: { slack: { channel: d === "safety" ? "C0SAFETY" : "C0SECURITY" } },
    rotation: { every: "weekly", startDate: "2026-01-05", handoff: "09:00", timeZone: "UTC" },
    levels: [[d === "safety" ? "ada" : "alan"]],
    escalationMinutes: { SEV1: 5, SEV2: 15, SEV3: 60, SEV4: 240 },
    ...(incidentChannel ? { incidentChannel } : {}),
  });
  return parseRoster({ people: [{ id: "ada", name: "Ada", slack: "U0ADA" }, { id: "alan", name: "Alan", slack: "U0ALAN" }], domains: { safety: domain("safety"), security: domain("security") } }, "test");
}

/** A Slack stand-in: answers openRoom from a script, and remembers what it was asked with the incident as it was then. */
class ScriptedSlack implements Notifier {
  readonly platforms = ["slack"] as const;
  readonly asked: Array<{ name: string; retry: boolean; intent: unknown }> = [];
  readonly sent: Outbound[] = [];
  constructor(private readonly script: Array<(o: RoomOpening) => RoomOpened>) {}
  async send(m: Outbound) {
    this.sent.push(m);
    return { ref: `${m.to.address}/${this.sent.length}.000` };
  }
  async openRoom(o: RoomOpening): Promise<RoomOpened> {
    this.asked.push({ name: o.name, retry: o.retry, intent: o.incident.timeline.findLast((e) => e.type === "channel-opening") });
    const next = this.script.shift();
    if (!next) throw new Error("unscripted openRoom");
    return next(o);
  }
  async inviteToRoom() {
    return [];
  }
  async pinInRoom() {}
}

const opened = (o: RoomOpening): RoomOpened => ({ room: { platform: "slack", address: "C0ROOM1", name: o.name } });
const taken = (): RoomOpened => ({ taken: true });
const lost = (): RoomOpened => {
  throw new DeliveryError("Slack answered HTTP 500");
};

async function setup(script: Array<(o: RoomOpening) => RoomOpened>, block: Record<string, unknown> | null = { slack: {} }) {
  const clock = new ManualClock(Date.parse("2026-11-24T10:00:00Z"));
  const incidents = new MemoryIncidentStore();
  const jobs: TicketJob[] = [];
  const slack = new ScriptedSlack(script);
  const processor = new TicketProcessor({ incidents, roster: roster(block ?? undefined), notifier: slack, queue: recordingQueue(jobs), clock, log: silentLogger });
  const { incident } = await incidents.create(jailbreakDraft(clock.now())); // SEV2, security
  const channel = () => processor.run({ name: "channel", incidentId: incident.id, rev: 1 });
  return { incidents, slack, jobs, processor, channel, incident };
}

describe("the channel job", () => {
  it("records the intent (name, attempt 1) before asking the platform, then the room, and drops the intent", async () => {
    const t = await setup([opened]);
    expect(await t.channel()).toBe("incident channel on slack");
    expect(t.slack.asked).toEqual([{ name: roomName(t.incident), retry: false, intent: expect.objectContaining({ name: roomName(t.incident), attempt: 1 }) }]);
    const i = (await t.incidents.get(t.incident.id))!;
    expect(i.rooms).toEqual([{ platform: "slack", address: "C0ROOM1", name: roomName(t.incident), ref: "C0ROOM1/1.000" }]);
    expect(i.timeline.some((e) => e.type === "channel-opening")).toBe(false);
    // The card went to the room once; the ticket channel was told once.
    expect(t.slack.sent.map((m) => [m.kind, m.to.address])).toEqual([["ticket", "C0ROOM1"], ["update", "C0SECURITY"]]);
    // Run again: nothing new is created or sent.
    await t.channel();
    expect(t.slack.asked).toHaveLength(1);
    expect(t.slack.sent).toHaveLength(2);
  });

  it("a failure after the intent was recorded: the retry asks for the same name, saying it is a retry", async () => {
    const t = await setup([lost, opened]);
    await expect(t.channel()).rejects.toThrow(/500/);
    await t.channel();
    expect(t.slack.asked.map((a) => [a.name, a.retry])).toEqual([[roomName(t.incident), false], [roomName(t.incident), true]]);
    expect((await t.incidents.get(t.incident.id))!.rooms).toHaveLength(1);
  });

  it("taken names move on to -2, -3 (not retries: this run wrote them)", async () => {
    const t = await setup([taken, taken, opened]);
    await t.channel();
    expect(t.slack.asked.map((a) => [a.name, a.retry])).toEqual([1, 2, 3].map((n) => [roomName(t.incident, n), false]));
    expect((await t.incidents.get(t.incident.id))!.rooms![0]!.name).toBe(roomName(t.incident, 3));
  });

  it(`gives up for an operator after ${ROOM_NAME_ATTEMPTS} taken names`, async () => {
    const t = await setup(Array.from({ length: ROOM_NAME_ATTEMPTS }, () => taken));
    const err = await t.channel().catch((e: unknown) => e as DeliveryError);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).permanent).toBe(true);
    expect(t.slack.asked).toHaveLength(ROOM_NAME_ATTEMPTS);
  });

  it("a delivery enqueues it where one is wanted, and not otherwise", async () => {
    const wanted = await setup([]);
    await wanted.processor.run({ name: "deliver", incidentId: wanted.incident.id, routeCount: 1 });
    expect(wanted.jobs.filter((j) => j.name === "channel")).toEqual([{ name: "channel", incidentId: wanted.incident.id, rev: expect.any(Number) }]);
    const off = await setup([], null);
    await off.processor.run({ name: "deliver", incidentId: off.incident.id, routeCount: 1 });
    expect(off.jobs.filter((j) => j.name === "channel")).toEqual([]);
    expect(await off.channel()).toBe("no incident channel needed");
  });
});
