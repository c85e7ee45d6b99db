// The duplicate check on real Redis, through Filing: a matching incident older than the 100 newest of
// the window is found (the old bounded read of the newest 100 missed it), and the index keys carry a
// TTL a little over the window.
import { describe, expect, it } from "vitest";
import { Filing } from "../../src/bot/filing.js";
import { ManualClock } from "../../src/clock.js";
import { indexTiming } from "../../src/domain/duplicate-index.js";
import { DUPLICATE_WINDOW_MS, duplicateWindow } from "../../src/domain/duplicates.js";
import type { IncidentDraft } from "../../src/domain/incident.js";
import { RedisIncidentStore } from "../../src/store/redis.js";
import { defs } from "../support/defs.js";
import { makeConversation, makeDraft } from "../support/fixtures.js";
import { uniquePrefix } from "../support/redis.js";
import { withRedis } from "../support/with-redis.js";

const fx = withRedis();
const MIN = 60_000;
const ANSWERS = { asset: "prompts-or-inputs", intent: "deliberate", attackKind: "prompt-injection" };

function draft(createdAt: Date, description: string): IncidentDraft {
  const d = makeDraft({ createdAt });
  return { ...d, answers: { ...d.answers, ...ANSWERS, description } };
}

describe("duplicate index on Redis", () => {
  it("finds a matching incident older than the 100 newest of the window", async () => {
    const clock = new ManualClock();
    const now = clock.now();
    const prefix = uniquePrefix();
    const incidents = new RedisIncidentStore(fx.redis, { prefix });
    const { roster, flow, refs } = defs();
    const filing = new Filing({ flow, refs, roster, incidents, clock, tickets: { dispatch: async () => {} } });

    const old = (await incidents.create(draft(new Date(now.getTime() - 110 * MIN), "Prompt injection in an uploaded PDF made the assistant leak its system prompt"))).incident;
    // 150 newer incidents of the same asset and kind, each about something else.
    for (let i = 0; i < 150; i++) {
      await incidents.create(draft(new Date(now.getTime() - 100 * MIN + i * 30_000), `Report ${i}: the ${["billing", "search", "voice", "vision"][i % 4]} agent stalls on tenant ${i * 7919} after the deploy`));
    }
    // What the old check read: the newest 100 of the window, which no longer include the match.
    const newest = await incidents.list({ ...duplicateWindow(now), newest: 100 });
    expect(newest.map((i) => i.id)).not.toContain(old.id);

    const conv = makeConversation({ state: { ...makeConversation().state, answers: { ...ANSWERS, description: "prompt injection in an uploaded pdf: the assistant leaked its system prompt" } } });
    const ref = await filing.duplicateOf(conv);
    expect(ref?.id).toBe(old.id);
    expect(ref!.similarity).toBeGreaterThanOrEqual(0.3);
  });

  it("gives every bucket hash and the sketch a TTL a little over the window", async () => {
    const prefix = uniquePrefix();
    const incidents = new RedisIncidentStore(fx.redis, { prefix });
    await incidents.create(draft(new Date(), "The assistant followed instructions hidden in a web page"));
    const keys = await fx.redis.keys(`${prefix}:dup*`); // bucket hashes and the sketch
    expect(keys.length).toBeGreaterThan(0);
    const { ttlMs } = indexTiming(DUPLICATE_WINDOW_MS);
    for (const k of keys) {
      const ttl = await fx.redis.pttl(k);
      expect(ttl).toBeGreaterThan(DUPLICATE_WINDOW_MS);
      expect(ttl).toBeLessThanOrEqual(ttlMs);
    }
  });
});
