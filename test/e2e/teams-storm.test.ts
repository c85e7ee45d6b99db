// Issue 13 on Teams: an incident storm gets one ticket card in the channel with the rolling count, and
// the grouped incidents are listed in replies under it; nothing else is posted for them. The embedded
// app delivers through the Teams notifier to a fake Bot Framework connector (posts paced per channel).
import { describe, expect, it, onTestFinished } from "vitest";
import { createTeamsNotifier } from "../../adapters/teams/index.js";
import { replay } from "../../src/bot/oneshot.js";
import { createEmbeddedApp } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { draftIncident } from "../../src/domain/incident.js";
import { silentLogger } from "../../src/log.js";
import { defs } from "../support/defs.js";
import { startFakeConnector } from "../support/fake-connector.js";
import { testRoster } from "../support/roster.js";
import { TENANT_ID } from "../support/teams-activity.js";
import { ANSWERS, SAFETY, SECURITY, cardOf, postsTo, textOf, updatesOf } from "../support/teams-env.js";

const REPORTS = 12;
const THRESHOLD = 3;

describe("Teams: incident storm", () => {
  it(`${REPORTS} reports of one outage: ${THRESHOLD} cards at most, the parent's card counts them all, its thread lists the grouped ones`, async () => {
    const fake = await startFakeConnector();
    onTestFinished(() => fake.close());
    const roster = testRoster({
      destinations: {
        safety: { teams: { conversationId: SAFETY, serviceUrl: fake.url, tenantId: TENANT_ID } },
        security: { teams: { conversationId: SECURITY, serviceUrl: fake.url, tenantId: TENANT_ID } },
      },
    });
    const clock = new ManualClock();
    const cfg = loadConfig({ STORM_THRESHOLD: String(THRESHOLD), STORM_EDIT_EVERY_MS: "200" });
    const app = createEmbeddedApp(cfg, { notifier: createTeamsNotifier({ roster }), log: silentLogger, clock, defs: { ...defs(), roster } });
    onTestFinished(() => app.close());

    const ids: string[] = [];
    for (let n = 0; n < REPORTS; n++) {
      const r = replay({ answers: { ...ANSWERS.security, description: `The assistant leaked its system prompt after reading a poisoned PDF (person ${n})` } }, app.defs);
      if (!r.ok) throw new Error(r.error);
      const reporter = { platform: "teams" as const, userId: `aad-p${n}`, name: `person ${n}` };
      const { incident } = await app.incidents.create(draftIncident({ conversationId: `teams-storm-${n}`, reporter, answers: r.answers, classification: r.classification, routing: r.routing, now: clock.now() }));
      await app.actions.dispatch(incident);
      ids.push(incident.id);
    }
    await app.idle();

    const all = await Promise.all(ids.map(async (id) => (await app.incidents.get(id))!));
    const parent = all.find((i) => i.storm)!;
    expect(parent.storm).toMatchObject({ reports: REPORTS, incidents: REPORTS, listed: REPORTS });
    // Past the threshold every one is grouped (one still waiting for its post slot may be grouped too).
    const grouped = all.filter((i) => i.stormOf);
    expect(grouped.length).toBeGreaterThanOrEqual(REPORTS - THRESHOLD);
    for (const i of grouped) expect(i.stormOf).toBe(parent.id);

    const cards = postsTo(fake, SECURITY).filter((c) => c.kind === "send" && cardOf(c));
    expect(cards.length).toBe(REPORTS - grouped.length);
    expect(cards.length).toBeLessThanOrEqual(THRESHOLD);
    for (const i of grouped) expect(cards.some((c) => textOf(cardOf(c)).includes(`${i.id} ·`))).toBe(false);
    // The parent's card, as last edited, shows the count; its replies list every grouped incident.
    const card = cards.find((c) => textOf(cardOf(c)).includes(`${parent.id} ·`))!;
    expect(textOf(cardOf(updatesOf(fake, card.id).at(-1)!))).toContain(`Storm: ${REPORTS} reports in ${REPORTS} incidents`);
    const replies = postsTo(fake, SECURITY).filter((c) => c.kind === "reply" && c.activityId === card.id).map((c) => String(c.body.text ?? ""));
    for (const i of grouped) expect(replies.join("\n")).toContain(i.id);
  });
});
