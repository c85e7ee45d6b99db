// The reporting clocks of a filed incident (src/domain/clocks.ts): the flow's answers as facts, the
// awareness time and its later edits, reminder times, the guard a reminder checks when it fires, the
// card lines (across a daylight-saving change), and the flow questions that feed them.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/config.js";
import { readYaml } from "../../src/definitions.js";
import {
  awarenessOf, deadlineText, factsFromAnswers, markReported, obligationClocks, obligationLines, reminderTimes, setAwareAt, staleReminder, timeLeftText,
} from "../../src/domain/clocks.js";
import { answer, emptyState, nextStep, type FlowState } from "../../src/domain/engine.js";
import { parseFlow } from "../../src/domain/flow.js";
import { draftIncident, type Incident } from "../../src/domain/incident.js";
import { parseObligations } from "../../src/domain/obligations-file.js";
import { DATA_LEAK_REPORT, SAFETY_ANSWERS } from "../support/answers.js";

const file = parseObligations(readYaml(join(ROOT, "flows/obligations.yaml")), "flows/obligations.yaml");
const flow = parseFlow(readYaml(join(ROOT, "flows/triage.yaml")), "flows/triage.yaml");
const REPORTED = new Date("2026-11-24T09:00:00Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const oncall = { platform: "slack" as const, userId: "U0ONCALL", name: "Ada" };

function incidentWith(answers: Record<string, string | string[]>, createdAt = REPORTED): Incident {
  const draft = draftIncident({
    conversationId: "c1",
    reporter: { platform: "slack", userId: "U1" },
    answers,
    classification: { primary: "safety", provisional: false, crossDomain: [], severity: "SEV1", rationale: [], refs: [] },
    routing: { domain: "safety", queue: "oncall-safety", cc: [], ackMinutes: 15 },
    now: createdAt,
  });
  return { ...draft, id: "INC-2026-0042", rev: 1 };
}

/** A high-risk system's output led to a death: Art. 73 with the 10-day deadline of 73(4). */
const DEATH = { ...SAFETY_ANSWERS, harm: ["physical"], seriousEffects: ["death"], highRisk: "yes", awareness: "at-report" };

describe("the flow's reporting questions", () => {
  const walk = (answers: Record<string, string | string[]>) => {
    let s: FlowState = emptyState();
    const asked: string[] = [];
    for (let step = nextStep(flow, s); step.kind === "question"; step = nextStep(flow, s)) {
      asked.push(step.question.id);
      const r = answer(flow, s, step.question.id, answers[step.question.id]);
      if (!r.ok) throw new Error(r.error);
      s = r.state;
    }
    return { asked, answers: s.answers };
  };

  it("nothing is asked when no regime could apply (no harm, no confidentiality lost)", () => {
    const { asked } = walk({ ...SAFETY_ANSWERS, harm: [] });
    expect(asked).not.toContain("seriousEffects");
    expect(asked).not.toContain("personalData");
    expect(asked).not.toContain("awareness");
  });

  it("harm asks for Art. 3(49) effects; none of them asks nothing more", () => {
    const { asked } = walk({ ...SAFETY_ANSWERS, seriousEffects: [] });
    expect(asked.slice(-3)).toEqual(["seriousEffects", "ongoing", "scope"]);
  });

  it("an effect asks whether the system is high-risk, then when the organisation became aware", () => {
    const { asked, answers } = walk(DEATH);
    expect(asked.slice(-5)).toEqual(["seriousEffects", "highRisk", "awareness", "ongoing", "scope"]);
    expect(factsFromAnswers(answers)).toEqual({ highRisk: true, effects: ["death"] });
  });

  it("a rights infringement on a high-risk system asks whether it is widespread", () => {
    const { asked } = walk({ ...SAFETY_ANSWERS, harm: ["rights-or-fairness"], seriousEffects: ["fundamental-rights-infringement"], highRisk: "yes", widespreadInfringement: "yes", awareness: "at-report" });
    expect(asked).toContain("widespreadInfringement");
  });

  it("lost confidentiality asks about personal data, and infrastructure alone asks for effects", () => {
    const leak = walk({ ...DATA_LEAK_REPORT, seriousEffects: [], personalData: "yes", awareness: "earlier" });
    expect(leak.asked).toEqual(expect.arrayContaining(["personalData", "awareness"]));
    const infra = walk({ ...SAFETY_ANSWERS, asset: "infrastructure", harm: [], seriousEffects: [] });
    expect(infra.asked).toContain("seriousEffects");
  });

  it("an answer that is not an option is refused and changes nothing", () => {
    let s: FlowState = emptyState();
    for (let step = nextStep(flow, s); step.kind === "question" && step.question.id !== "highRisk"; step = nextStep(flow, s)) {
      s = (answer(flow, s, step.question.id, DEATH[step.question.id as keyof typeof DEATH]) as { ok: true; state: FlowState }).state;
    }
    const r = answer(flow, s, "highRisk", "maybe");
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining("not an option of 'highRisk'") });
  });
});

describe("obligation clocks", () => {
  it("a death on a high-risk system: Art. 73, 10 days from the report, with the do-not-alter warning", () => {
    const [c, ...rest] = obligationClocks(incidentWith(DEATH), file.regimes, REPORTED);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ regimeId: "eu-ai-act-art73", state: "open", deadline: { at: "2026-12-04T09:00:00.000Z", rule: "death" }, msLeft: 10 * DAY });
    expect(c!.ticketWarnings).toEqual([expect.stringMatching(/do not alter the AI system.*Art\. 73\(6\)/)]);
  });

  it("a leak of personal data that is also a high-risk rights infringement triggers two regimes; no answers trigger none", () => {
    const both = incidentWith({ ...DATA_LEAK_REPORT, seriousEffects: ["fundamental-rights-infringement"], highRisk: "yes", widespreadInfringement: "no", personalData: "yes", awareness: "at-report" });
    expect(obligationClocks(both, file.regimes, REPORTED).map((c) => [c.regimeId, c.deadline.within])).toEqual([["eu-ai-act-art73", "15 days"], ["gdpr-art33", "72 hours"]]);
    expect(obligationClocks(incidentWith({ ...SAFETY_ANSWERS, seriousEffects: [] }), file.regimes, REPORTED)).toEqual([]);
  });

  it("'unknown' high-risk is not 'yes': Art. 73 does not start a clock", () => {
    expect(obligationClocks(incidentWith({ ...DEATH, highRisk: "unknown" }), file.regimes, REPORTED)).toEqual([]);
  });

  it("missed once the deadline passes; reported stops it, with who and when", () => {
    const i = incidentWith(DEATH);
    expect(obligationClocks(i, file.regimes, new Date(REPORTED.getTime() + 11 * DAY))[0]!.state).toBe("missed");
    const r = markReported(i, file.regimes, "eu-ai-act-art73", "initial", oncall, new Date(REPORTED.getTime() + DAY));
    if (!r.ok) throw new Error(r.message);
    expect(r.changed).toBe(true);
    const [c] = obligationClocks(r.incident, file.regimes, new Date(REPORTED.getTime() + 11 * DAY));
    expect(c).toMatchObject({ state: "reported", reported: { report: "initial", by: oncall, at: "2026-11-25T09:00:00.000Z" } });
    // Marking it again changes nothing; a regime that does not apply is refused.
    const again = markReported(r.incident, file.regimes, "eu-ai-act-art73", "initial", oncall, REPORTED);
    expect(again).toMatchObject({ ok: true, changed: false });
    expect(markReported(i, file.regimes, "gdpr-art33", "initial", oncall, REPORTED)).toMatchObject({ ok: false, code: "NOT_APPLICABLE" });
  });
});

describe("awareness", () => {
  it("defaults to the report time; 'earlier' without a time is flagged to confirm", () => {
    expect(awarenessOf(incidentWith(DEATH))).toEqual({ awareAt: REPORTED.toISOString(), toConfirm: false });
    expect(awarenessOf(incidentWith({ ...DEATH, awareness: "earlier" })).toConfirm).toBe(true);
  });

  it("setting it earlier moves the deadline earlier and the old reminders become stale", () => {
    const i = incidentWith({ ...DEATH, awareness: "earlier" });
    const before = obligationClocks(i, file.regimes, REPORTED)[0]!;
    const r = setAwareAt(i, "2026-11-23T21:00:00+01:00", oncall, REPORTED);
    if (!r.ok) throw new Error(r.message);
    const after = obligationClocks(r.incident, file.regimes, REPORTED)[0]!;
    expect(after.awareAt).toBe("2026-11-23T20:00:00.000Z");
    expect(after.deadline.at).toBe("2026-12-03T20:00:00.000Z");
    expect(after.awareness).toMatchObject({ toConfirm: false, set: { by: oncall } });
    expect(staleReminder(r.incident, file.regimes, { regimeId: "eu-ai-act-art73", deadlineAt: before.deadline.at }, REPORTED)).toMatch(/deadline moved/);
    expect(staleReminder(r.incident, file.regimes, { regimeId: "eu-ai-act-art73", deadlineAt: after.deadline.at }, REPORTED)).toBeUndefined();
  });

  it("a time after the report or not a time is refused and changes nothing", () => {
    const i = incidentWith(DEATH);
    expect(setAwareAt(i, "2026-11-24T10:00:00Z", oncall, REPORTED)).toMatchObject({ ok: false, code: "BAD_TIME" });
    expect(setAwareAt(i, "yesterday", oncall, REPORTED)).toMatchObject({ ok: false, code: "BAD_TIME" });
  });
});

describe("reminders", () => {
  it("half time and 24 hours before the deadline", () => {
    const [c] = obligationClocks(incidentWith(DEATH), file.regimes, REPORTED);
    expect(reminderTimes(c!, file.reminders)).toEqual([
      { regimeId: "eu-ai-act-art73", point: 0, deadlineAt: "2026-12-04T09:00:00.000Z", at: "2026-11-29T09:00:00.000Z", label: "half time" },
      { regimeId: "eu-ai-act-art73", point: 1, deadlineAt: "2026-12-04T09:00:00.000Z", at: "2026-12-03T09:00:00.000Z", label: "24 hours before" },
    ]);
  });

  it("a point before the clock started is dropped (24 hours before a 24-hour deadline)", () => {
    const [c] = obligationClocks(incidentWith(DEATH), file.regimes, REPORTED);
    const short = { ...c!, deadline: { ...c!.deadline, at: new Date(REPORTED.getTime() + DAY).toISOString() } };
    expect(reminderTimes(short, file.reminders).map((r) => r.label)).toEqual(["half time"]);
  });

  it("a reminder is stale once reported, once the obligation no longer applies, and after the deadline", () => {
    const i = incidentWith(DEATH);
    const deadlineAt = "2026-12-04T09:00:00.000Z";
    const key = { regimeId: "eu-ai-act-art73", deadlineAt };
    expect(staleReminder(i, file.regimes, key, REPORTED)).toBeUndefined();
    const reported = markReported(i, file.regimes, "eu-ai-act-art73", "complete", oncall, REPORTED) as { incident: Incident };
    expect(staleReminder(reported.incident, file.regimes, key, REPORTED)).toMatch(/already reported/);
    expect(staleReminder(incidentWith({ ...DEATH, highRisk: "no" }), file.regimes, key, REPORTED)).toMatch(/no longer applies/);
    expect(staleReminder(i, file.regimes, key, new Date(Date.parse(deadlineAt) + 1))).toMatch(/passed/);
  });
});

describe("card lines", () => {
  it("deadline, time left, the paragraph, and the warning until reported", () => {
    const i = incidentWith(DEATH);
    const [line] = obligationLines(obligationClocks(i, file.regimes, REPORTED), REPORTED);
    expect(line!.text).toBe(
      "EU AI Act Art. 73: serious incident of a high-risk AI system: report by 2026-12-04 09:00 UTC (10 d 0 h left; 10 days from awareness, Regulation (EU) 2024/1689, Art. 73(4))",
    );
    expect(line!.warnings).toHaveLength(1);
    const done = (markReported(i, file.regimes, "eu-ai-act-art73", "initial", oncall, REPORTED) as { incident: Incident }).incident;
    const [after] = obligationLines(obligationClocks(done, file.regimes, REPORTED), REPORTED);
    expect(after).toMatchObject({ state: "reported", warnings: [] });
    expect(after!.text).toMatch(/reported \(initial\) by Ada/);
  });

  it("across the end of summer time the deadline is exactly 10 x 24 h in UTC, and shown at the local hour it falls on", () => {
    // Aware at 09:00 Brussels summer time (UTC+2) on 20 October; clocks go back on 25 October.
    const created = new Date("2026-10-20T07:00:00Z");
    const [c] = obligationClocks(incidentWith(DEATH, created), file.regimes, created);
    expect(Date.parse(c!.deadline.at) - created.getTime()).toBe(240 * HOUR);
    expect(deadlineText(c!.deadline.at, "Europe/Brussels")).toBe("2026-10-30 08:00 Europe/Brussels (GMT+1)");
    expect(deadlineText(c!.deadline.at)).toBe("2026-10-30 07:00 UTC");
  });

  it("time left reads coarse, and overdue after", () => {
    expect(timeLeftText(2 * DAY + 3 * HOUR + 5 * 60_000)).toBe("2 d 3 h left");
    expect(timeLeftText(5 * HOUR + 10 * 60_000)).toBe("5 h 10 min left");
    expect(timeLeftText(-2 * HOUR)).toBe("overdue by 2 h 0 min");
  });
});

describe("summaries list obligations due and missed", () => {
  const window = { from: new Date("2026-11-20T00:00:00Z"), to: new Date("2026-12-10T00:00:00Z") };
  const opts = (now: Date) => ({ now, ackTargets: () => 60, regimes: file.regimes });
  const mk = (id: string, answers: Record<string, string | string[]>, at: string) => ({ ...incidentWith(answers, new Date(at)), id });

  it("due soonest first, missed apart, reported ones left out; the text says which", async () => {
    const { summarize } = await import("../../src/domain/summary.js");
    const { renderSummaryText } = await import("../../src/bot/summary-text.js");
    const leak = { ...DATA_LEAK_REPORT, seriousEffects: [], personalData: "yes", awareness: "at-report" };
    const late = mk("INC-2026-0001", leak, "2026-11-21T09:00:00Z"); // 72 h: missed by the 25th
    const death = mk("INC-2026-0002", DEATH, "2026-11-24T09:00:00Z"); // due 2026-12-04
    const leakSoon = mk("INC-2026-0003", leak, "2026-11-24T09:00:00Z"); // due 2026-11-27
    const sent = (markReported(mk("INC-2026-0004", leak, "2026-11-24T09:00:00Z"), file.regimes, "gdpr-art33", "complete", oncall, REPORTED) as { incident: Incident }).incident;
    const now = new Date("2026-11-25T09:00:00Z");
    const s = summarize([late, death, leakSoon, sent], [], window, opts(now));
    expect(s.obligations!.missed.map((x) => [x.id, x.regime])).toEqual([["INC-2026-0001", "gdpr-art33"]]);
    expect(s.obligations!.due.map((x) => [x.id, x.regime, x.minutesLeft])).toEqual([
      ["INC-2026-0003", "gdpr-art33", 2 * 24 * 60],
      ["INC-2026-0002", "eu-ai-act-art73", 9 * 24 * 60],
    ]);
    const text = renderSummaryText(s);
    expect(text).toContain("*Reporting obligations:* 1 missed, 2 due");
    expect(text).toMatch(/• INC-2026-0001 gdpr-art33: missed .* ago \(by 2026-11-24 09:00 UTC\)/);
    // Without regimes (an older caller), the summary has no obligations part at all.
    expect(summarize([late], [], window, { now, ackTargets: () => 60 }).obligations).toBeUndefined();
  });
});

describe("the inventory suggests whether the named system is high-risk", () => {
  it("a description naming one system gets its risk class as the suggested highRisk answer, confirmed like any suggestion", async () => {
    const { parseInventory, suggestSystemFromText } = await import("../../src/domain/inventory.js");
    const inv = parseInventory(readYaml(join(ROOT, "config/inventory.example.yaml")), "inventory");
    expect(suggestSystemFromText(inv, "The CV screening ranker rejected every applicant over 50")?.id).toBe("cv-screener");
    expect(suggestSystemFromText(inv, "the support bot and the CV screening ranker both failed")?.id).toBe("cv-screener"); // "support bot" is not a name
    expect(suggestSystemFromText(inv, "cv-screener and Customer support assistant")).toBeUndefined(); // two named: no guess

    const { testApp } = await import("../support/app.js");
    const { app } = testApp();
    const user = { platform: "console" as const, userId: "rita" };
    const say = (input: Parameters<typeof app.bot.handle>[0]["input"]) => app.bot.handle({ key: "console:rita", user, input });
    let r = await say({ kind: "start" });
    const answers: Record<string, unknown> = { ...SAFETY_ANSWERS, harm: ["rights-or-fairness"], seriousEffects: ["fundamental-rights-infringement"], widespreadInfringement: "no", awareness: "at-report" };
    r = await say({ kind: "text", text: "The CV screening ranker rejected every applicant over 50 for a month" });
    let suggested: unknown;
    for (let i = 0; i < 30; i++) {
      const q = r.findLast((x) => x.kind === "question" || x.kind === "confirm-inferred");
      if (!q) break;
      if (q.kind === "confirm-inferred") {
        const item = q.items.find((it) => it.questionId === "highRisk");
        if (item) suggested = item;
        r = await say({ kind: "confirm-inferred", decision: "keep-all", rev: q.rev });
      } else r = await say({ kind: "answer", questionId: q.questionId, value: answers[q.questionId], rev: q.rev });
    }
    expect(suggested).toMatchObject({ questionId: "highRisk", value: "yes", evidence: [expect.stringContaining("CV screening ranker is listed as high risk (Annex III 4-employment)")] });
    const [incident] = await app.incidents.list({ from: new Date(0), to: new Date(8e15) });
    expect(incident!.answers.highRisk).toBe("yes");
    expect(obligationClocks(incident!, file.regimes, new Date(incident!.createdAt)).map((c) => c.regimeId)).toEqual(["eu-ai-act-art73"]);
  });
});
