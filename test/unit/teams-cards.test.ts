// Every Teams card is Adaptive Card 1.5 that Teams can render: checked against a zod schema of the
// part of the 1.5 schema we use (strict: an unknown element, action or property fails), with buttons
// that carry ids only and text within limits. Replies come from a real walk-through of the flow.
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { answeredCard, crossDomainCard, pageCard, renderReply, ticketCard, welcomeCard, type AdaptiveCard } from "../../adapters/teams/cards/index.js";
import { summaryCard } from "../../adapters/teams/cards/summary.js";
import { parseCommand } from "../../adapters/teams/commands.js";
import { decodeRef, encodeRef, retryAfterMs, toDeliveryError } from "../../adapters/teams/connector.js";
import { parseSubmit } from "../../adapters/teams/submit.js";
import type { App } from "../../src/app.js";
import type { Input } from "../../src/bot/conversation.js";
import type { Reply } from "../../src/bot/reply.js";
import type { Incident } from "../../src/domain/incident.js";
import { testApp } from "../support/app.js";
import { changeFirst } from "../support/suggestions.js";

// ---- the Adaptive Card 1.5 subset ----------------------------------------------------------------

const Text = z.string().min(1).max(2000);
const Spacing = z.enum(["none", "small", "default", "medium", "large", "extraLarge", "padding"]);
const layout = { spacing: Spacing.optional(), separator: z.boolean().optional(), isVisible: z.boolean().optional() };
const common = { id: z.string().max(64).optional(), ...layout };
/** Button data: ids and small values only, never prose. */
const Data = z.partialRecord(z.enum(["action", "conversationId", "rev", "questionId", "value", "accept", "decision", "incidentId", "op", "route", "gen"]), z.union([z.string().max(300), z.number(), z.boolean()]));

type El = { type: string };
const Element: z.ZodType<El> = z.lazy(() =>
  z.discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("TextBlock"),
      text: Text,
      wrap: z.boolean().optional(),
      weight: z.enum(["default", "lighter", "bolder"]).optional(),
      size: z.enum(["default", "small", "medium", "large", "extraLarge"]).optional(),
      color: z.enum(["default", "dark", "light", "accent", "good", "warning", "attention"]).optional(),
      isSubtle: z.boolean().optional(),
      style: z.enum(["default", "heading"]).optional(),
      ...common,
    }),
    z.strictObject({ type: z.literal("FactSet"), facts: z.array(z.strictObject({ title: z.string().max(80), value: z.string().max(400) })).min(1), ...common }),
    z.strictObject({ type: z.literal("Container"), items: z.array(Element).min(1), style: z.enum(["default", "emphasis", "good", "attention", "warning", "accent"]).optional(), ...common }),
    z.strictObject({ type: z.literal("ActionSet"), actions: z.array(Action).min(1).max(6), ...common }),
    z.strictObject({
      type: z.literal("Input.Text"),
      id: z.string().min(1),
      label: z.string().max(200).optional(),
      placeholder: z.string().max(200).optional(),
      isMultiline: z.boolean().optional(),
      maxLength: z.number().int().positive().max(4000).optional(),
      isRequired: z.boolean().optional(),
      errorMessage: z.string().max(200).optional(),
      ...layout,
    }),
    z.strictObject({
      type: z.literal("Input.ChoiceSet"),
      id: z.string().min(1),
      choices: z.array(z.strictObject({ title: z.string().min(1).max(80), value: z.string().min(1).max(100) })).min(2),
      isMultiSelect: z.boolean().optional(),
      style: z.enum(["compact", "expanded"]).optional(),
      value: z.string().optional(),
      label: z.string().optional(),
      isRequired: z.boolean().optional(),
      errorMessage: z.string().max(200).optional(),
      ...layout,
    }),
  ]),
);
const Submit = z.strictObject({
  type: z.literal("Action.Submit"),
  title: z.string().min(1).max(80),
  data: Data,
  style: z.enum(["default", "positive", "destructive"]).optional(),
  associatedInputs: z.enum(["auto", "none"]).optional(),
});
/** Universal Actions (1.5): a verb and data; its fallback, for older clients, an Action.Submit. */
const Execute = z.strictObject({
  type: z.literal("Action.Execute"),
  title: z.string().min(1).max(80),
  verb: z.string().min(1).max(64),
  data: Data,
  style: z.enum(["default", "positive", "destructive"]).optional(),
  associatedInputs: z.enum(["auto", "none"]).optional(),
  fallback: z.union([Submit, z.literal("drop")]).optional(),
});
const Action: z.ZodType<El> = z.lazy(() =>
  z.discriminatedUnion("type", [
    Submit,
    Execute,
    z.strictObject({ type: z.literal("Action.OpenUrl"), title: z.string().min(1).max(80), url: z.url({ protocol: /^https$/ }) }),
    z.strictObject({
      type: z.literal("Action.ShowCard"),
      title: z.string().min(1).max(80),
      card: z.strictObject({ type: z.literal("AdaptiveCard"), body: z.array(Element).min(1), actions: z.array(Action).max(6).optional() }),
    }),
  ]),
);
const Card = z.strictObject({
  type: z.literal("AdaptiveCard"),
  $schema: z.literal("http://adaptivecards.io/schemas/adaptive-card.json"),
  version: z.literal("1.5"),
  body: z.array(Element).min(1),
  actions: z.array(Action).max(6).optional(),
  refresh: z.strictObject({ action: Execute.extend({ data: z.strictObject({ action: z.literal("refresh"), incidentId: z.string(), route: z.number().int().min(1) }) }), userIds: z.array(z.string().min(1)).max(60) }).optional(),
});

function check(card: AdaptiveCard): AdaptiveCard {
  const r = Card.safeParse(card);
  if (!r.success) throw new Error(`${z.prettifyError(r.error)}\n${JSON.stringify(card).slice(0, 500)}`);
  // Teams refuses messages over 28 KB; a card should stay far below.
  expect(JSON.stringify(card).length).toBeLessThan(20_000);
  const inputIds = JSON.stringify(card).match(/"type":"Input\.[A-Za-z]+","id":"[^"]+"/g) ?? [];
  expect(new Set(inputIds).size).toBe(inputIds.length);
  return card;
}

// ---- replies of a real walk-through ----------------------------------------------------------------

let walked: Promise<{ replies: Reply[]; app: App; incident: Incident }> | undefined;
afterAll(async () => (await walked)?.app.close());

/** One walk-through for the whole file: every reply kind, the filed incident and its app. */
const everyReply = () => (walked ??= walkOnce());

async function walkOnce(): Promise<{ replies: Reply[]; app: App; incident: Incident }> {
  const { app } = testApp();
  const user = { platform: "teams" as const, userId: "aad-rita", name: "Rita" };
  const replies: Reply[] = [];
  const say = async (input: Input) => {
    const r = await app.bot.handle({ key: "teams:t:aad-rita", user, input });
    replies.push(...r);
    return r.findLast((x) => x.kind !== "notice")!;
  };
  const answers: Record<string, unknown> = { intent: "suspected", attackKind: "prompt-injection", asset: "outputs", ciaLost: ["integrity"], harm: ["financial"], ongoing: "yes", scope: "many-users", seriousEffects: [] };
  await say({ kind: "start" });
  await say({ kind: "cancel" });
  let step = await say({ kind: "start", text: "A user told the chatbot to ignore its instructions and it leaked customer emails; it is still happening to many users" });
  await say({ kind: "answer", questionId: "nope", value: "x", rev: 0 });
  for (let i = 0; i < 20 && step.kind !== "triage-result"; i++) {
    if (step.kind === "confirm-inferred") step = await say(changeFirst(step));
    else if (step.kind === "question" || step.kind === "text-prompt") step = await say({ kind: "answer", questionId: step.questionId, value: answers[step.questionId], rev: step.rev });
  }
  if (step.kind !== "triage-result") throw new Error("flow did not finish");
  const summary = await app.summaries.build(new Date("2026-11-25T00:00:00Z"), 30);
  replies.push({ kind: "summary", summary });
  return { replies, app, incident: step.incident };
}

describe("Teams Adaptive Cards", () => {
  it("renders every kind of reply as a valid 1.5 card", async () => {
    const { replies } = await everyReply();
    const kinds = new Set(replies.map((r) => r.kind));
    expect([...kinds].sort()).toEqual(["confirm-inferred", "notice", "question", "summary", "text-prompt", "triage-result"]);
    expect(replies.some((r) => r.kind === "question" && r.multi && r.suggestion)).toBe(true);
    for (const r of replies) check(renderReply(r));
  });

  it("asks with progress, Back and Cancel; one button per option; checkboxes and 'none' for several", async () => {
    const { replies } = await everyReply();
    const one = replies.find((r): r is Extract<Reply, { kind: "question" }> => r.kind === "question" && !r.multi && r.canBack)!;
    const card = check(renderReply(one));
    expect(card.body[0]).toMatchObject({ text: `Question ${one.progress.index} of ${one.progress.total}` });
    const buttons = card.body.flatMap((e) => (e.type === "ActionSet" ? e.actions : []));
    expect(buttons.map((b) => (b.type === "Action.Submit" ? b.data : {}))).toEqual(
      one.options.map((o) => ({ action: "answer", conversationId: one.conversationId, rev: one.rev, questionId: one.questionId, value: o.value })),
    );
    expect(card.actions?.map((a) => a.title)).toEqual(["Back", "Cancel"]);

    const many = replies.find((r): r is Extract<Reply, { kind: "question" }> => r.kind === "question" && r.multi)!;
    const choice = check(renderReply(many)).body.find((e) => e.type === "Input.ChoiceSet");
    expect(choice).toMatchObject({ isMultiSelect: true, choices: expect.arrayContaining([{ title: many.noneLabel ?? "None of these", value: "@none" }]) });

    const first = replies.find((r): r is Extract<Reply, { kind: "confirm-inferred" }> => r.kind === "confirm-inferred" && r.items.length > 1)!;
    const confirm = check(renderReply(first));
    expect(confirm.actions?.map((a) => a.title)).toEqual(["Keep all", "Back", "Cancel"]);
    // Each suggestion has Keep, and Change once the answer it depends on is settled.
    const perItem = confirm.body.flatMap((e) => (e.type === "Container" ? e.items.flatMap((x) => (x.type === "ActionSet" ? [x.actions.map((a) => a.title).join("/")] : [])) : []));
    expect(perItem).toEqual(first.items.map((i) => (i.changeable ? "Keep/Change" : "Keep")));
    // Back and Cancel go through even while a required input of the card is empty.
    const multi = check(renderReply(many));
    expect(multi.actions?.map((a) => (a.type === "Action.Submit" ? a.associatedInputs : undefined))).toEqual(["none", "none"]);
    expect(JSON.stringify(confirm.body)).toMatch(/\d+% confident/);

    const text = check(renderReply(replies.find((r) => r.kind === "text-prompt")!));
    expect(text.body.find((e) => e.type === "Input.Text")).toMatchObject({ isMultiline: true, maxLength: 4000 });
  });

  it("renders the result, ticket, page, cross-domain, summary, answered and welcome cards", async () => {
    const { incident, app, replies } = await everyReply();
    const result = JSON.stringify(check(renderReply(replies.find((r) => r.kind === "triage-result")!)));
    for (const part of [incident.id, incident.classification.severity, "AI security", "Why", "References", incident.classification.refs[0]!.id]) expect(result).toContain(part);

    const view = { incident, route: incident.routeCount, oncall: { name: "Hedy", level: 0 } };
    const ticket = check(ticketCard(view));
    expect(ticket.actions?.map((a) => a.title)).toEqual(["Acknowledge", "Escalate", "Reroute", "Resolve"]);
    check(pageCard({ ...view, reason: "you are on call (level 1) for security" }));
    check(crossDomainCard(incident, "safety", "https://teams.microsoft.com/l/message/19%3Aa/1"));
    check(crossDomainCard(incident, "safety"));
    check(summaryCard(await app.summaries.build(new Date(), 7)));
    check(answeredCard("Is it still happening?", "Yes, it is ongoing"));
    check(welcomeCard({ inChannel: false }));
    check(welcomeCard({ inChannel: true }));

    // A ticket of an older routing, or resolved, has no buttons left.
    expect(check(ticketCard({ ...view, incident: { ...incident, routeCount: 2 }, route: 1 })).actions).toBeUndefined();
    const resolved: Incident = { ...incident, status: "resolved", timeline: [...incident.timeline, { type: "resolved", at: incident.createdAt, by: incident.reporter, note: "fixed" }] };
    expect(check(ticketCard({ ...view, incident: resolved })).actions).toEqual([expect.objectContaining({ title: "Postmortem", associatedInputs: "none" })]);
  });

  it("keeps long text inside the limits", async () => {
    const { incident } = await everyReply();
    const long = "x".repeat(5000);
    const big: Incident = { ...incident, title: long, classification: { ...incident.classification, rationale: Array(40).fill(long) } };
    check(ticketCard({ incident: big, route: big.routeCount }));
    check(renderReply({ kind: "notice", level: "warning", text: long }));
    check(renderReply({ kind: "triage-result", incident: big, duplicate: true }));
    check(answeredCard(long, long));
  });
});

describe("Teams adapter parts", () => {
  it("parses commands after the mention is stripped", () => {
    expect(parseCommand("incident the model leaked a key")).toEqual({ kind: "start", text: "the model leaked a key" });
    expect(parseCommand("Report an AI incident")).toEqual({ kind: "start", text: "" });
    expect(parseCommand("summary 30d security")).toEqual({ kind: "summary", args: "30d security" });
    expect(parseCommand("\u00a0cancel ")).toEqual({ kind: "cancel" });
    expect(parseCommand("")).toEqual({ kind: "help" });
    expect(parseCommand("many users")).toEqual({ kind: "text", text: "many users" });
  });

  it("reads button presses: data and inputs apart, anything else refused", () => {
    expect(parseSubmit({ action: "ticket", op: "reroute", incidentId: "INC-2026-0001", route: 1, reason: "ours" })).toEqual({
      data: { action: "ticket", op: "reroute", incidentId: "INC-2026-0001", route: 1 },
      inputs: { reason: "ours" },
    });
    expect(parseSubmit({ action: "ticket", op: "delete", incidentId: "INC-2026-0001", route: 1 })).toBeUndefined();
    expect(parseSubmit({ action: "answer", conversationId: "c", rev: "1", questionId: "q" })).toBeUndefined();
    expect(parseSubmit("answer")).toBeUndefined();
  });

  it("maps connector failures and message references", () => {
    const throttled = { statusCode: 429, message: "slow", response: { headers: { get: (h: string) => (h === "retry-after" ? "3" : undefined) } } };
    expect(toDeliveryError(throttled)).toMatchObject({ retryAfterMs: 3000, permanent: false });
    expect(toDeliveryError({ statusCode: 403, message: "bot not in conversation" })).toMatchObject({ permanent: true });
    expect(toDeliveryError({ statusCode: 503, message: "down" })).toMatchObject({ permanent: false, retryAfterMs: undefined });
    expect(retryAfterMs("Wed, 21 Oct 2026 07:28:05 GMT", Date.parse("2026-10-21T07:28:00Z"))).toBe(5000);
    const ref = encodeRef("19:abc@thread.tacv2;messageid=1/2", "1:x/y");
    expect(decodeRef(ref)).toEqual({ conversationId: "19:abc@thread.tacv2;messageid=1/2", activityId: "1:x/y" });
  });
});
