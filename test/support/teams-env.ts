// The Teams end-to-end set-up shared by the e2e files: the embedded app with the real botbuilder
// adapter behind POST /api/messages, a fake Bot Framework connector where activities' serviceUrl
// points, and helpers that read what the bot posted and press buttons the way Teams does. Every
// server a test starts is closed when that test finishes, passed or failed.
import { expect, onTestFinished } from "vitest";
import { adapterPort } from "../../src/port.js";
import { createTeamsAdapter, createTeamsNotifier } from "../../adapters/teams/index.js";
import { createEmbeddedApp, type App } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import type { Incident } from "../../src/domain/incident.js";
import { silentLogger } from "../../src/log.js";
import { startWeb, type WebHandle } from "../../src/http.js";
import { defs } from "./defs.js";
import { blockingInputs } from "./card-inputs.js";
import { channelOf, startFakeConnector, type ConnectorCall, type FakeConnector } from "./fake-connector.js";
import { testRoster } from "./roster.js";
import { invokeResponseProblem } from "./card-rules.js";
import { execute, message, personalChat, submit, user, TENANT_ID, type TeamsUser, type Where } from "./teams-activity.js";

export const SAFETY = "19:safety@thread.tacv2";
export const SECURITY = "19:security@thread.tacv2";
export const rita = user("rita", "Rita"); // a responder, not on the roster
export const ada = user("ada", "Ada"); // safety level 1 (on call this week)
export const hedy = user("hedy", "Hedy"); // security level 1 (on call today)
export const maya = user("maya", "Maya"); // manager

export type Card = { body: any[]; actions?: any[]; refresh?: { action: any; userIds: string[] } };
export interface Env {
  app: App;
  clock: ManualClock;
  fake: FakeConnector;
  post(activity: object, headers?: Record<string, string>): Promise<number>;
  /** Posts an invoke and returns Teams' view of the answer: status and the JSON body. */
  invoke(activity: object): Promise<{ status: number; body: any }>;
  port: number;
}


/** `incidentChannel`: per domain, the roster's incident channel block (off by default). */
export async function setup(teamsCfg: Parameters<typeof createTeamsAdapter>[1] = {}, opts: { incidentChannel?: Record<string, unknown> } = {}): Promise<Env> {
  const fake = await startFakeConnector();
  // Registered as each server starts, so a failure half-way still closes what was started.
  onTestFinished(async () => {
    await fake.close();
    // No card with a button Teams would leave dead was posted (see card-inputs.ts).
    expect(fake.refused).toEqual([]);
  });
  const roster = testRoster({
    destinations: {
      safety: { teams: { conversationId: SAFETY, serviceUrl: fake.url, tenantId: TENANT_ID } },
      security: { teams: { conversationId: SECURITY, serviceUrl: fake.url, tenantId: TENANT_ID } },
    },
    ...(opts.incidentChannel ? { incidentChannel: opts.incidentChannel } : {}),
  });
  const clock = new ManualClock();
  const notifier = createTeamsNotifier({ roster });
  const app = createEmbeddedApp(loadConfig({}), { notifier, log: silentLogger, clock, defs: { ...defs(), roster } });
  onTestFinished(() => app.close());
  const teams = createTeamsAdapter(adapterPort(app), teamsCfg);
  const web: WebHandle = await startWeb(app, 0, silentLogger, [teams.route]);
  onTestFinished(() => web.stop());
  const post = async (activity: object, headers: Record<string, string> = {}) => {
    const r = await fetch(`http://127.0.0.1:${web.port}/api/messages`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(activity) });
    await r.arrayBuffer();
    return r.status;
  };
  const invoke = async (activity: object) => {
    const r = await fetch(`http://127.0.0.1:${web.port}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };
  return { app, clock, fake, post, invoke, port: web.port };
}

// ---- reading what the bot posted ------------------------------------------------------------------

export const cardOf = (c: ConnectorCall): Card | undefined => c.body.attachments?.[0]?.content;
export const textOf = (card: Card | undefined): string => JSON.stringify(card?.body ?? []);
export const postsTo = (fake: FakeConnector, conv: string) => fake.calls.filter((c) => (c.kind === "send" || c.kind === "reply") && channelOf(c.conversationId) === conv);
export const lastCard = (fake: FakeConnector, conv: string) => postsTo(fake, conv).findLast((c) => cardOf(c));
export const updatesOf = (fake: FakeConnector, activityId: string) => fake.calls.filter((c) => c.kind === "update" && c.activityId === activityId);

/** Every Action.Submit and Action.Execute of a card, in containers and in the inline cards of ShowCard actions. */
export function submits(card: Card): Array<{ type?: string; verb?: string; title: string; data: Record<string, unknown> }> {
  const out: Array<{ type?: string; verb?: string; title: string; data: Record<string, unknown> }> = [];
  const inBody = (body: any[]): any[] => body.flatMap((e: any) => (e.type === "ActionSet" ? e.actions : e.type === "Container" ? inBody(e.items) : []));
  const walk = (actions: any[] = []) => {
    for (const a of actions) {
      if (a.type === "Action.Submit" || a.type === "Action.Execute") out.push(a);
      if (a.type === "Action.ShowCard") walk([...(a.card.actions ?? []), ...inBody(a.card.body)]);
    }
  };
  walk([...inBody(card.body), ...(card.actions ?? [])]);
  return out;
}

/** The lifecycle buttons of a card (Acknowledge … Resolve), without Post update / Subscribe (issue 16, point 4). */
export const lifecycle = (card: Card) => submits(card).filter((b) => b.data.action === "ticket");

/**
 * The card `who` sees of a posted card: Teams refreshes a card with a `refresh` clause for each viewer
 * (automatically in channels of up to 60 members, as here) and shows what the bot answers.
 */
export async function seenBy(env: Env, where: Where, who: TeamsUser, posted: ConnectorCall): Promise<Card> {
  const card = cardOf(posted)!;
  if (!card.refresh) return card;
  const r = await env.invoke(execute(where, who, card.refresh.action.verb, card.refresh.action.data, posted.id, "automatic"));
  const problem = invokeResponseProblem(r.status, r.body);
  if (problem) throw new Error(`Teams would not show the refreshed card: ${problem}`);
  return r.body.type === "application/vnd.microsoft.card.adaptive" ? r.body.value : card;
}

/** What the last Action.Execute press was answered with (the card the presser now sees), per env. */
export const lastAnswer = new WeakMap<Env, { type: string; value: any }>();

/**
 * Presses the button of a posted card the way Teams does: the card as this person sees it (refreshed),
 * data + inputs; an Action.Execute is an `adaptiveCard/action` invoke whose answer must be one Teams
 * shows, an Action.Submit a message with replyToId = the card.
 */
export async function click(
  env: Env,
  where: Where,
  who: TeamsUser,
  posted: ConnectorCall,
  pick: (s: { title: string; data: Record<string, unknown> }) => boolean,
  inputs: Record<string, string> = {},
  /** `legacy`: a client without Universal Actions: no refresh, and an Action.Execute sends its Action.Submit fallback. */
  client: "current" | "legacy" = "current",
) {
  const card = client === "legacy" ? cardOf(posted)! : await seenBy(env, where, who, posted);
  const button = submits(card).find(pick);
  if (!button) throw new Error(`no such button on ${textOf(card).slice(0, 300)}`);
  // Teams sends no Action.Submit / Action.Execute while a required input it validates is empty.
  const blocked = blockingInputs(card, button, inputs);
  if (blocked.length) throw new Error(`Teams would not send "${button.title}": required ${blocked.join(", ")} empty`);
  if (button.type === "Action.Execute" && client === "legacy") {
    const fallback = (button as { fallback?: { type: string; data: Record<string, unknown> } }).fallback;
    if (fallback?.type !== "Action.Submit") throw new Error(`"${button.title}" has no Action.Submit fallback: an older client cannot press it`);
    return env.post(submit(where, who, { ...fallback.data, ...inputs }, posted.id));
  }
  if (button.type !== "Action.Execute") return env.post(submit(where, who, { ...button.data, ...inputs }, posted.id));
  const r = await env.invoke(execute(where, who, button.verb!, { ...button.data, ...inputs }, posted.id));
  const problem = invokeResponseProblem(r.status, r.body);
  if (problem) throw new Error(`Teams would not show the answer to "${button.title}": ${problem}`);
  lastAnswer.set(env, r.body);
  return r.status;
}

export const ANSWERS = {
  safety: { intent: "none", failureKind: "harmful-output", asset: "outputs", ciaLost: [], exploitable: "no", harm: ["psychological"], ongoing: "no", scope: "one-user", seriousEffects: [] },
  security: { intent: "deliberate", attackKind: "prompt-injection", asset: "prompts-or-inputs", ciaLost: ["confidentiality"], harm: [], ongoing: "no", scope: "one-user", personalData: "no" },
  cross: { intent: "suspected", attackKind: "prompt-injection", asset: "outputs", ciaLost: ["integrity"], harm: ["financial"], ongoing: "yes", scope: "some-users", seriousEffects: [] },
} satisfies Record<string, Record<string, string | string[]>>;

/** Answers every card of the walk-through in `where` until the result card; returns the incident. */
export async function walk(env: Env, where: Where, who: TeamsUser, answers: Record<string, string | string[]>): Promise<Incident> {
  for (let step = 0; step < 20; step++) {
    const posted = lastCard(env.fake, where.conversationId)!;
    const card = cardOf(posted)!;
    const id = /Filed (INC-\d{4}-\d{4,})/.exec(textOf(card))?.[1];
    if (id) return (await env.app.incidents.get(id))!;
    const buttons = submits(card);
    const answer = buttons.find((b) => b.data.action === "answer");
    let status: number;
    // Suggestions: change the first one that can be changed (its question comes next), else keep them all.
    const change = buttons.find((b) => b.data.action === "suggestion" && b.data.decision === "change");
    if (change) status = await click(env, where, who, posted, (b) => b.data.action === "suggestion" && b.data.questionId === change.data.questionId && b.data.decision === "change");
    else if (buttons.some((b) => b.data.action === "confirm")) status = await click(env, where, who, posted, (b) => b.data.action === "confirm");
    else if (!answer) throw new Error(`unexpected card ${textOf(card).slice(0, 300)}`);
    else {
      const qid = answer.data.questionId as string;
      const value = answers[qid];
      if (value === undefined) throw new Error(`no answer for ${qid}`);
      if (typeof value === "string" && answer.data.value !== undefined) status = await click(env, where, who, posted, (b) => b.data.value === value);
      else if (Array.isArray(value)) status = await click(env, where, who, posted, (b) => b.data.action === "answer", { choices: value.length ? value.join(",") : "@none" });
      else status = await click(env, where, who, posted, (b) => b.data.action === "answer", { text: value });
    }
    expect(status).toBe(200);
    // The card just answered now shows the answer and has no buttons left.
    const edited = updatesOf(env.fake, posted.id).at(-1);
    expect(edited && submits(cardOf(edited)!)).toEqual([]);
  }
  throw new Error("the walk-through did not finish");
}

export async function triage(env: Env, who: TeamsUser, description: string, answers: Record<string, string | string[]>) {
  const where = personalChat(env.fake.url, who);
  expect(await env.post(message(where, who, `incident ${description}`))).toBe(200);
  const incident = await walk(env, where, who, answers);
  await env.app.idle();
  return { where, incident: (await env.app.incidents.get(incident.id))! };
}

export const ticketIn = (env: Env, conv: string, id: string) => postsTo(env.fake, conv).find((c) => c.kind === "send" && textOf(cardOf(c)).includes(`${id} ·`));
export const chatWith = (env: Env, aad: string) => env.fake.calls.find((c) => c.kind === "create" && c.body.members?.[0]?.id === aad);
