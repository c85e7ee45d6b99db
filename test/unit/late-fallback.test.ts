// A ticket still failing past DELIVERY_LATE_AFTER_MS is never only a log line: the domain's fallback
// destination in the roster is told, once per job, and the delivery's own error still reaches the
// queue so it keeps retrying.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { parseRoster } from "../../src/domain/roster.js";
import { silentLogger } from "../../src/log.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import { jailbreakDraft, recordingQueue } from "../support/fixtures.js";
import { DeliveryError, type Notifier, type Outbound } from "../../src/tickets/notifier.js";
import { TicketProcessor } from "../../src/tickets/processor.js";

function roster(fallback?: Record<string, unknown>) {
  const domain = (d: string) => ({
    destinations: { console: { channel: `#${d}` } },
    ...(fallback ? { fallback } : {}),
    rotation: { every: "weekly", startDate: "2026-01-05", handoff: "09:00", timeZone: "UTC" },
    levels: [[d === "safety" ? "ada" : "alan"]],
    escalationMinutes: { SEV1: 5, SEV2: 15, SEV3: 60, SEV4: 240 },
  });
  return parseRoster({ people: [{ id: "ada", name: "Ada" }, { id: "alan", name: "Alan" }], domains: { safety: domain("safety"), security: domain("security") } }, "test");
}

/** Fails every message to #security (the outage), delivers the rest. */
class HalfDown implements Notifier {
  readonly platforms = ["console"] as const;
  readonly sent: Outbound[] = [];
  async send(m: Outbound) {
    if (m.to.address === "#security") throw new DeliveryError("channel unreachable (503)");
    this.sent.push(m);
  }
  async postDigest() {}
}

async function setup(fallback?: Record<string, unknown>) {
  const clock = new ManualClock(Date.parse("2026-11-24T10:00:00Z"));
  const incidents = new MemoryIncidentStore();
  const notifier = new HalfDown();
  const queue = recordingQueue();
  const processor = new TicketProcessor({ incidents, roster: roster(fallback), notifier, queue, clock, log: silentLogger, lateAfterMs: 5 * 60_000 });
  const { incident } = await incidents.create(jailbreakDraft(clock.now()));
  const deliver = () => processor.run({ name: "deliver", incidentId: incident.id, routeCount: 1 }, { dueAt: Date.parse("2026-11-24T10:00:00Z"), jobId: `${incident.id}.r1` });
  return { clock, notifier, deliver, incidents, id: incident.id };
}

describe("late deliveries reach the fallback destination", () => {
  it("not before it is late; once when it is, however often it fails after", async () => {
    const t = await setup({ console: { channel: "#incident-commanders" } });
    await expect(t.deliver()).rejects.toThrow(/unreachable/);
    expect(t.notifier.sent).toEqual([]);
    t.clock.advance(6 * 60_000);
    await expect(t.deliver()).rejects.toThrow(/unreachable/);
    await expect(t.deliver()).rejects.toThrow(/unreachable/);
    const alerts = t.notifier.sent.filter((m) => m.to.address === "#incident-commanders");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: "update", text: expect.stringMatching(/SEV2, security: the ticket to the security channel has failed for 6 min \(.*unreachable.*\)\. Still retrying/) });
    const i = (await t.incidents.get(t.id))!;
    expect(i.timeline.filter((e) => e.type === "delivered" && e.to.startsWith("late:"))).toHaveLength(1);
  });

  it("without a fallback in the roster, the delivery still fails to the queue and nothing else is sent", async () => {
    const t = await setup();
    t.clock.advance(60 * 60_000);
    await expect(t.deliver()).rejects.toThrow(/unreachable/);
    expect(t.notifier.sent).toEqual([]);
  });
});
