// Issue 12, item 8: a report full of secrets, typed as a Slack DM through the real Bolt receiver, on a
// real redis-server with its append-only file, delivered by BullMQ workers to a fake Slack, with
// debug logs on. Afterwards no fragment of any secret may be anywhere: in any Redis key, in the
// append-only file (which also holds what was written and deleted since), in any Slack call, in the log.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { adapterPort } from "../../src/port.js";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { RedisClient } from "../../src/redis.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackAdapter, createSlackNotifier, type SlackAdapter } from "../../adapters/slack/index.js";
import { createRedisApp, type App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { startWeb, type WebHandle } from "../../src/http.js";
import { createLogger } from "../../src/log.js";
import { connect } from "../../src/redis.js";
import { startWorkers } from "../../src/tickets/bullmq-queue.js";
import { startTurnWorker, type TurnWorker } from "../../src/turns/worker.js";
import { createSlackTurnHandler } from "../../adapters/slack/turn-worker.js";
import { waitForAllSteps } from "../support/turns.js";
import { defs } from "../support/defs.js";
import { FakeSlack } from "../support/fake-slack.js";
import { walkThrough } from "../support/guarded.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { testRoster } from "../support/roster.js";
import { SlackRequests, TEAM, type User } from "../support/slack-sign.js";
import { waitFor } from "../support/webhook.js";
import { INJECTION_CHOICES as ANSWERS } from "../support/answers.js";

const SECRET = "secrets-it-signing-secret-0123";
const TOKEN = "xoxb-secrets-it-token";
const REPORTER: User = { id: "U0REPORTER", name: "rita" };

// Every secret has distinctive pieces between the characters that used to cut redaction short, so a
// fragment left behind (the part after an inner '@') is found by name. All fake.
const SECRETS = [
  "postgres://app:Pg7x@Mq2v@Lz9k@db.internal:5432/x",
  "redis://:Rd4sNoUserPw@cache.internal:6379",
  "'password' => 'Ph9pHashPw'",
  "mysql://root:My5q:Co7n/Sl4s#Hs3h@db.internal:3306/app",
  "mongodb+srv://admin:Mg8o@Sr1v!@cluster0.ab1cd.mongodb.net/test",
  "amqp://guest:Am2q@Hq6h#1x@rabbit.internal:5672/vhost",
  "rediss://:Rs5s/Tl8s@redis.internal:6380",
  "jdbc:postgresql://etl:Jd3b@Pq4q@warehouse.internal:5432/dw",
  '{"password": "Js0nQu@tedPw"}',
  ':password => "Rb7ySymbolPw"',
  "PASSWORD=EnvLinePw42",
  "pwd='PwdSingle77'",
  'passwd: "PasswdDq88"',
  "secret => 'SecretArrow99'",
  '"api_key": "ApiKeyJson55x"',
  "token = TokenUnquoted66y",
];
/** The secret part of each line: what follows the user name or key, cut where it used to be cut. */
const FRAGMENTS = [
  ...["Pg7x", "Mq2v", "Lz9k", "Rd4sNoUserPw", "Ph9pHashPw", "My5q", "Co7n", "Sl4s", "Hs3h", "Mg8o", "Sr1v", "Am2q", "Hq6h", "Rs5s", "Tl8s", "Jd3b", "Pq4q"],
  ...["Js0nQu", "tedPw", "Rb7ySymbolPw", "EnvLinePw42", "PwdSingle77", "PasswdDq88", "SecretArrow99", "ApiKeyJson55x", "TokenUnquoted66y"],
];
// The first line is the title: it carries a secret too (titles are stored, posted and paged).
const DESCRIPTION = [`Prompt injection made the agent print ${SECRETS[0]} to a customer`, "It also dumped its config:", ...SECRETS.slice(1)].join("\n");

let redis: RedisServer;
let fake: FakeSlack;
let app: App;
let slack: SlackAdapter;
let web: WebHandle;
let workers: Worker[] = [];
let workerConn: RedisClient;
let turns: TurnWorker | undefined;
let prefix = "";
let logged = "";

beforeAll(async () => {
  redis = await startRedis();
  // Clicks come faster than a person's: the posting limit is tested in storm/delivery tests.
  fake = await FakeSlack.start(TOKEN, { postLimit: false });
  const sink = new Writable({
    write(chunk, _enc, done) {
      logged += String(chunk);
      done();
    },
  });
  const log = createLogger("debug", sink);
  const roster = testRoster({ destinations: { safety: { slack: { channel: "C0SAFETY" } }, security: { slack: { channel: "C0SECURITY" } } } });
  prefix = uniquePrefix();
  const cfg = loadConfig({ REDIS_URL: redis.url, QUEUE_PREFIX: prefix });
  const notifier = createSlackNotifier({ botToken: TOKEN, apiUrl: fake.apiUrl, roster, log });
  app = createRedisApp({ ...cfg, REDIS_URL: redis.url }, { notifier, log, defs: { ...defs(), roster } });
  workerConn = connect(redis.url, log, "worker");
  workers = startWorkers(workerConn, prefix, (job) => app.processor.run(job), { concurrency: 2, lockMs: 5000 }, log);
  // The DM's step runs in a worker, as in production (src/turns): its debug logs are checked too.
  turns = startTurnWorker(workerConn, app.redis!, prefix, createSlackTurnHandler(adapterPort(app), { botToken: TOKEN, apiUrl: fake.apiUrl }), { concurrency: 1, lockMs: 5000, maxStalled: 1 }, log);
  slack = createSlackAdapter(adapterPort(app), { signingSecret: SECRET, botToken: TOKEN, apiUrl: fake.apiUrl, botUserId: "U0BOT", botId: "B0BOT" });
  web = await startWeb(app, 0, log, [slack.route]);
});

afterAll(async () => {
  // Each step on its own: one that fails must not leave the others (and redis-server) running.
  const steps = [() => slack?.idle(), () => web?.stop(), () => slack?.stop(), ...workers.map((w) => () => w.close()), () => turns?.close(), () => workerConn?.quit(), () => app?.close(), () => fake?.stop(), () => redis?.stop()];
  for (const step of steps) await Promise.resolve(step()).catch(() => {});
});

/** Every value of every key, whatever its type, as text. */
async function dumpRedis(r: Redis | RedisClient): Promise<string> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await r.scan(cursor, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      const type = await r.type(key);
      const read: Record<string, () => Promise<unknown>> = {
        string: () => r.get(key),
        hash: () => r.hgetall(key),
        list: () => r.lrange(key, 0, -1),
        set: () => r.smembers(key),
        zset: () => r.zrange(key, "0", "-1", "WITHSCORES"),
        stream: () => r.xrange(key, "-", "+"),
      };
      out.push(key, JSON.stringify(await (read[type]?.() ?? Promise.resolve(type))));
    }
  } while (cursor !== "0");
  return out.join("\n");
}

/** The append-only file(s) under the server's dir: every write since it started, deletes included. */
function readAof(dir: string): string {
  const files = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? files(join(d, f)) : [join(d, f)]));
  return files(dir).map((f) => readFileSync(f, "latin1")).join("\n");
}

describe("secrets pasted into a report", () => {
  it("are in no Redis key, no append-only file, no Slack call and no log line", async () => {
    const req = new SlackRequests(`http://127.0.0.1:${web.port}/slack/events`, SECRET, (id) => fake.responseUrl(id));
    const res = await req.directMessage(REPORTER, DESCRIPTION, "Ev0SECRETS1");
    expect(res.status).toBe(200);
    await slack.idle();
    const key = `slack:${TEAM.id}:${REPORTER.id}`;
    await waitForAllSteps(redis.url, prefix, key);
    const last = await walkThrough(app.bot, { platform: "slack", userId: REPORTER.id }, key, ANSWERS, { kind: "start" });
    const filed = last.find((r) => r.kind === "triage-result");
    expect(filed?.kind).toBe("triage-result");
    // The ticket and the page (a DM to the on-call) went out through the workers.
    await waitFor(() => fake.channel("C0SECURITY").length > 0 && fake.callsOf("conversations.open").length > 0, "ticket and page");

    const stored = await dumpRedis(app.redis!);
    const aof = redis.managed ? readAof(redis.dir) : "";
    const posted = JSON.stringify(fake.calls);
    // Controls: each place was really looked at, and holds the redacted report.
    expect(stored).toContain("[REDACTED:url-password]");
    if (redis.managed) expect(aof).toContain("[REDACTED:url-password]");
    expect(posted).toContain("[REDACTED:url-password]");
    expect(logged).toContain("[REDACTED:url-password]"); // the Web API client's debug dump of the ticket
    for (const [where, text] of Object.entries({ redis: stored, aof, slack: posted, log: logged })) {
      const found = FRAGMENTS.filter((f) => text.includes(f));
      expect(found, `secret fragments in ${where}`).toEqual([]);
    }
  });
});
