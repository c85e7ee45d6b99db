// The LLM reader seen from the conversation: with LLM_* configured, what the LLM read from the
// description reaches the responder as a suggestion to confirm; when it fails, the triage goes on.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmbeddedApp, type App } from "../../src/app.js";
import type { Reply } from "../../src/bot/reply.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { RecordingNotifier } from "../../src/tickets/notifier.js";
import { defs } from "../support/defs.js";
import { startFakeLlm, type FakeLlm } from "../support/fake-llm.js";
import { testRoster } from "../support/roster.js";

const user = { platform: "slack" as const, userId: "U0REPORTER", name: "Rita" };
const key = "slack:T1:U0REPORTER";
const TEXT = "Ticket 4411: the lobby kiosk in Hall B told a visitor that the east wing was closed; she missed her mother's consultation and was left in tears.";
const none = { value: null, confidence: 0, evidence: [] };

let llm: FakeLlm;
let app: App | undefined;
beforeEach(async () => {
  llm = await startFakeLlm();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await llm.close();
});

function llmApp() {
  const cfg = loadConfig({ LLM_BASE_URL: llm.url, LLM_MODEL: "test-model", LLM_API_KEY: "k", LLM_TIMEOUT_MS: "2000" });
  app = createEmbeddedApp(cfg, { notifier: new RecordingNotifier(["console"]), log: silentLogger, clock: new ManualClock(), defs: { ...defs(), roster: testRoster() } });
  return app;
}
const confirmCard = (r: Reply[]) => r.find((x) => x.kind === "confirm-inferred");

describe("conversation with the LLM reader", () => {
  it("a proposal the LLM makes with an exact quote comes through as a suggestion to confirm", async () => {
    llm.behave({
      kind: "answer",
      content: { intent: none, attackKind: none, failureKind: none, asset: none, ciaLost: none, harm: { value: ["psychological"], confidence: 0.92, evidence: ["was left in tears"] } },
    });
    const bot = llmApp().bot;
    const r = await bot.handle({ key, user, input: { kind: "start", text: TEXT } });
    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0]!.body.messages[1].content).toBe(TEXT);
    const card = confirmCard(r);
    expect(card).toBeDefined();
    if (card?.kind !== "confirm-inferred") return;
    const harm = card.items.find((i) => i.questionId === "harm");
    expect(harm).toMatchObject({ value: ["psychological"] });
    // Kept at the LLM's confidence (or higher, if the offline model agreed), with its quote or the offline one.
    expect(harm!.confidence).toBeGreaterThanOrEqual(0.92);
    expect(harm!.evidence.length).toBeGreaterThan(0);
  });

  it("when the LLM answers 500 the triage goes on with the offline suggestions", async () => {
    llm.behave({ kind: "status", status: 500 });
    const bot = llmApp().bot;
    const r = await bot.handle({ key, user, input: { kind: "start", text: TEXT } });
    expect(llm.requests).toHaveLength(1);
    expect(r.some((x) => x.kind === "notice" && x.level === "error")).toBe(false);
    expect(r.some((x) => x.kind === "confirm-inferred" || x.kind === "question")).toBe(true);
  });
});
