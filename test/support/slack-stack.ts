// The Slack deployment for integration tests: the real composition (`serve`, as `npm start` runs it
// with REDIS_URL and Slack configured: web, Slack adapter, inline workers) on a real redis-server,
// talking to the fake Slack; plus a walk-through driver that clicks like a person and waits for what
// Slack would show instead of sleeping.
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { serve, type Served } from "../../src/serve.js";
import { writeRoster } from "./durable.js";
import type { FakeSlack, FakeMessage } from "./fake-slack.js";
import { SlackRequests, TEAM, type User } from "./slack-sign.js";
import { waitFor } from "./webhook.js";
import { SAFETY_ANSWERS } from "./answers.js";

// Re-exported: the Slack tests take their answers from here with the rest of the stack.
export { SAFETY_ANSWERS };

export const SECRET = "integration-signing-secret-0123";
export const TOKEN = "xoxb-integration-token";
export const keyOf = (u: User) => `slack:${TEAM.id}:${u.id}`;

/** The test roster (test/support/roster.ts) with Slack channels, as a file a process can load. */
export function slackRosterFile(): string {
  const rotation = (every: string, timeZone: string) => ({ every, startDate: "2026-01-05", handoff: "09:00", timeZone });
  const minutes = { SEV1: 5, SEV2: 15, SEV3: 60, SEV4: 240 };
  return writeRoster({
    people: [
      { id: "ada", name: "Ada", slack: "U0ADA" },
      { id: "grace", name: "Grace", slack: "U0GRACE" },
      { id: "alan", name: "Alan", slack: "U0ALAN" },
      { id: "hedy", name: "Hedy", slack: "U0HEDY" },
      { id: "radia", name: "Radia", slack: "U0RADIA" },
      { id: "maya", name: "Maya", slack: "U0MAYA" },
    ],
    managers: ["maya"],
    incidentManagers: ["radia"],
    domains: {
      safety: { destinations: { slack: { channel: "C0SAFETY" } }, rotation: rotation("weekly", "UTC"), levels: [["ada", "grace"], ["radia"]], escalationMinutes: minutes },
      security: { destinations: { slack: { channel: "C0SECURITY" } }, rotation: rotation("daily", "UTC"), levels: [["alan", "hedy"], ["radia"]], escalationMinutes: minutes },
    },
  });
}

/** Environment of a web process (or of serve()) pointed at `redisUrl`, the fake Slack and the roster. */
export function slackEnv(redisUrl: string, prefix: string, apiUrl: string, rosterFile: string): Record<string, string> {
  return { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, ONCALL_CONFIG: rosterFile, SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: apiUrl, PORT: "0" };
}

export async function serveSlack(env: Record<string, string>): Promise<{ served: Served; req: (fake: FakeSlack) => SlackRequests }> {
  const served = await serve(loadConfig({ ...env, WORKER_MODE: "inline" }), silentLogger);
  const endpoint = `http://127.0.0.1:${served.web.port}/slack/events`;
  return { served, req: (fake) => new SlackRequests(endpoint, SECRET, (id) => fake.responseUrl(id)) };
}


const elements = (m: { blocks?: any[] }) => (m.blocks ?? []).flatMap((b) => (b.type === "actions" ? b.elements : []));
export const buttonsOf = (m: { blocks?: any[] }) => elements(m).filter((e: any) => e.type === "button");
export const button = (m: { blocks?: any[] }, actionId: string) => {
  const b = buttonsOf(m).find((x: any) => x.action_id === actionId);
  if (!b) throw new Error(`no button ${actionId} in ${JSON.stringify(m.blocks?.map((x) => x.type))}`);
  return b;
};
export const textOf = (m: { text?: string; blocks?: any[] }) => JSON.stringify([m.text, m.blocks]);
/** What the person has seen so far in their DM and privately (edits count): it changes when Slack shows something. */
export const seenBy = (fake: FakeSlack, u: User) => fake.dmOf(u.id).reduce((n, m) => n + 1 + m.edits, 0) + fake.responses.length;

/** The next click of the walk-through in the user's DM, with its checkbox state; undefined once filed. */
export function nextClick(fake: FakeSlack, u: User, answers: Record<string, string | string[]> = SAFETY_ANSWERS): { msg: FakeMessage; button: any; state: Record<string, any> } | undefined {
  const m = fake.dmOf(u.id).at(-1)!;
  if (textOf(m).includes("Filed INC-")) return undefined;
  const ids = buttonsOf(m).map((b: any) => b.action_id as string);
  // A report like an open incident: these tests file each report on its own.
  if (ids.includes("triage_file_new")) return { msg: m, button: button(m, "triage_file_new"), state: {} };
  if (ids.includes("triage_confirm_yes")) return { msg: m, button: button(m, "triage_confirm_yes"), state: {} };
  if (ids.includes("triage_multi_next")) {
    const q = JSON.parse(button(m, "triage_multi_next").value).q as string;
    const want = answers[q] as string[];
    if (!want.length) return { msg: m, button: button(m, "triage_multi_none"), state: {} };
    const boxes = elements(m).filter((e: any) => e.type === "checkboxes");
    const state = { choices: Object.fromEntries(boxes.map((cb: any) => [cb.action_id, { type: "checkboxes", selected_options: cb.options.filter((o: any) => want.includes(o.value)) }])) };
    return { msg: m, button: button(m, "triage_multi_next"), state };
  }
  const first = buttonsOf(m).find((b: any) => b.action_id.startsWith("triage_answer:"));
  if (!first) throw new Error(`no answer buttons in ${textOf(m).slice(0, 300)}`);
  const q = JSON.parse(first.value).q as string;
  return { msg: m, button: button(m, `triage_answer:${answers[q]}`), state: {} };
}

/** `/incident <description>` then clicks until only `stopAt` (a question id) is left, or until filed. */
export async function walk(fake: FakeSlack, req: SlackRequests, u: User, answers = SAFETY_ANSWERS, stopAt?: string, started = false) {
  const before = seenBy(fake, u);
  if (!started) {
    expect200(await req.command(u, String(answers.description)));
    await waitFor(() => fake.dmOf(u.id).length > 0 && seenBy(fake, u) > before, "the first question in the DM");
  }
  for (let i = 0; i < 20; i++) {
    const next = nextClick(fake, u, answers);
    if (!next) return;
    if (stopAt && next.button.action_id.startsWith("triage_") && JSON.parse(next.button.value).q === stopAt) return next;
    const seen = seenBy(fake, u);
    expect200(await req.click(u, next.msg, next.button, next.state));
    // The clicked message is marked answered and the next step posted.
    await waitFor(() => seenBy(fake, u) >= seen + 2, `the step after ${next.button.action_id}`);
  }
  throw new Error("the walk-through did not finish");
}

function expect200(r: Response) {
  if (r.status !== 200) throw new Error(`Slack request answered ${r.status}`);
}
