// A ticket job writes its timeline in two compare-and-sets whatever it sends: every intent in one
// before the first platform call, every outcome in one after the last (issue 13). Counted with a
// wrapper around the store's update, not timed. Also: the intents are stored before anything is sent,
// and a send that fails mid-job loses nothing and repeats nothing.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import type { Incident } from "../../src/domain/incident.js";
import { silentLogger } from "../../src/log.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import type { IncidentStore, UpdateOptions } from "../../src/store/types.js";
import type { Platform } from "../../src/domain/roster.js";
import { DeliveryError, type Notifier, type Outbound, type SentRef } from "../../src/tickets/notifier.js";
import type { TicketJob } from "../../src/tickets/jobs.js";
import { TicketProcessor } from "../../src/tickets/processor.js";
import { acknowledge } from "../../src/domain/incident.js";
import { jailbreakDraft, recordingQueue } from "../support/fixtures.js";
import { testRoster } from "../support/roster.js";

/** The memory store, counting the updates that stored something. */
function countingStore() {
  const inner = new MemoryIncidentStore();
  const writes: Incident[] = [];
  const store: IncidentStore = Object.assign(Object.create(inner) as IncidentStore, {
    async update(id: string, change: (cur: Incident) => Incident | undefined, opts?: UpdateOptions) {
      const before = (await inner.get(id))?.rev;
      const out = await inner.update(id, change, opts);
      if (out && out.rev !== before) writes.push(out);
      return out;
    },
  });
  return { store, writes };
}

/** Records each send with the timeline as stored at that moment; fails the sends `failOn` names. */
class CheckingNotifier implements Notifier {
  readonly sent: Outbound[] = [];
  readonly storedAtSend: Array<{ key: string; sending: string[] }> = [];
  readonly looked: string[] = [];
  failOn?: (m: Outbound) => boolean;
  constructor(private readonly store: IncidentStore, readonly platforms: readonly Platform[] = ["console"]) {}
  async send(m: Outbound): Promise<SentRef> {
    const stored = await this.store.get(m.incident.id);
    this.storedAtSend.push({ key: m.key, sending: stored!.timeline.flatMap((e) => (e.type === "sending" ? [e.to] : [])) });
    if (this.failOn?.(m)) throw new DeliveryError(`${m.kind} failed`);
    this.sent.push(m);
    return { ref: `ref-${m.key}` };
  }
  async find(m: Outbound): Promise<SentRef | undefined> {
    this.looked.push(m.key);
    return undefined;
  }
}

async function setup() {
  const clock = new ManualClock(Date.parse("2026-11-24T10:00:00Z"));
  const { store, writes } = countingStore();
  const jobs: TicketJob[] = [];
  const notifier = new CheckingNotifier(store);
  const processor = new TicketProcessor({ incidents: store, roster: testRoster(), notifier, queue: recordingQueue(jobs), clock, log: silentLogger });
  // Security, noted to safety too: a ticket card, a page and a cross-domain note.
  const draft = jailbreakDraft(clock.now());
  const { incident } = await store.create({ ...draft, routing: { ...draft.routing, cc: ["safety"] } });
  writes.length = 0;
  return { store, writes, notifier, processor, jobs, id: incident.id };
}

const deliver = (id: string): TicketJob => ({ name: "deliver", incidentId: id, routeCount: 1 });
const kinds = (n: CheckingNotifier) => n.sent.map((m) => m.kind);

describe("a job's timeline in one update before its sends and one after", () => {
  it("a delivery of ticket, page and cross-domain note: two writes, every intent stored before the first send", async () => {
    const t = await setup();
    expect(await t.processor.run(deliver(t.id))).toBe("delivered");
    expect(kinds(t.notifier)).toEqual(["ticket", "page", "cross-domain"]);
    expect(t.writes).toHaveLength(2);
    const [claim, outcome] = t.writes;
    const keys = ["r1:ticket:console:#security", "r1:page:console:@hedy", "r1:cc:console:#safety"];
    expect(claim!.timeline.filter((e) => e.type === "sending").map((e) => (e as { to: string }).to)).toEqual(keys);
    // Each send found all three intents stored already: a crash anywhere can be reconciled.
    for (const s of t.notifier.storedAtSend) expect(s.sending).toEqual(keys);
    expect(outcome!.timeline.some((e) => e.type === "sending")).toBe(false);
    expect(outcome!.timeline.filter((e) => e.type === "delivered" || e.type === "cross-domain-noted").map((e) => (e as { to: string }).to)).toEqual(keys);
    // The page saw the ticket's outcome (it links the ticket) though it was not stored yet.
    const page = t.notifier.sent.find((m) => m.kind === "page")!;
    expect(page.incident.timeline.find((e) => e.type === "delivered" && e.to === keys[0])).toMatchObject({ ref: `ref-${t.id}.${keys[0]}` });
    expect(await t.store.get(t.id)).toEqual(outcome);
  });

  it("an update to several channels: two writes", async () => {
    const t = await setup();
    const roster = testRoster({ destinations: { security: { console: { channel: "#security" }, webhook: { url: "https://hooks.example/sec" } } } });
    const notifier = new CheckingNotifier(t.store, ["console", "webhook"]);
    const processor = new TicketProcessor({ incidents: t.store, roster, notifier, queue: recordingQueue(), clock: new ManualClock(Date.now()), log: silentLogger });
    expect(await processor.run({ name: "update", incidentId: t.id, rev: 2, text: "mitigated" })).toBe("updated");
    expect(notifier.sent.map((m) => m.to.platform)).toEqual(["console", "webhook"]);
    expect(t.writes).toHaveLength(2);
  });

  it("the page fails: the ticket is recorded sent, the page keeps its intent, the note never tried is given back; the retry sends each once", async () => {
    const t = await setup();
    t.notifier.failOn = (m) => m.kind === "page";
    await expect(t.processor.run(deliver(t.id))).rejects.toThrow("page failed");
    const after = (await t.store.get(t.id))!;
    expect(after.timeline.filter((e) => e.type === "delivered").map((e) => (e as { to: string }).to)).toEqual(["r1:ticket:console:#security"]);
    expect(after.timeline.filter((e) => e.type === "sending").map((e) => (e as { to: string }).to)).toEqual(["r1:page:console:@hedy"]);
    expect(t.writes).toHaveLength(2);

    t.notifier.failOn = undefined;
    expect(await t.processor.run(deliver(t.id))).toBe("delivered");
    // Only the page may have reached the platform: only it is looked for.
    expect(t.notifier.looked).toEqual([`${t.id}.r1:page:console:@hedy`]);
    expect(t.notifier.sent.map((m) => m.kind)).toEqual(["ticket", "page", "cross-domain"]);
    const final = (await t.store.get(t.id))!;
    expect(final.timeline.some((e) => e.type === "sending")).toBe(false);
    expect(final.timeline.filter((e) => e.type === "delivered" || e.type === "cross-domain-noted")).toHaveLength(3);
  });

  it("a retry after everything was recorded writes nothing and sends nothing", async () => {
    const t = await setup();
    await t.processor.run(deliver(t.id));
    const [sent, writes] = [t.notifier.sent.length, t.writes.length];
    await t.processor.run(deliver(t.id));
    expect(t.notifier.sent).toHaveLength(sent);
    expect(t.writes).toHaveLength(writes);
  });

  it("the on-call acknowledges the ticket card while the job is still sending: the page after it is cancelled, not sent", async () => {
    const t = await setup();
    const roster = testRoster();
    const hedy = { platform: "console" as const, userId: "hedy", name: "Hedy" };
    const send = t.notifier.send.bind(t.notifier);
    t.notifier.send = async (m) => {
      const ref = await send(m);
      // The card just arrived and Hedy presses Acknowledge on it before the page goes out.
      if (m.kind === "ticket") await t.store.update(t.id, (cur) => { const r = acknowledge(cur, roster, hedy, new Date()); return r.ok ? r.incident : undefined; });
      return ref;
    };
    expect(await t.processor.run(deliver(t.id))).toBe("delivered");
    expect(kinds(t.notifier)).toEqual(["ticket", "cross-domain"]);
    const after = (await t.store.get(t.id))!;
    expect(after.status).toBe("acknowledged");
    expect(after.timeline.find((e) => e.type === "cancelled")).toMatchObject({ to: "r1:page:console:@hedy", reason: expect.stringContaining("acknowledged") });
    expect(after.timeline.some((e) => e.type === "sending")).toBe(false);
  });
});
