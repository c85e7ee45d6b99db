// Issue 15: `npm start` says what it runs and why, and refuses a web server nobody can talk to; the
// Procfile's web process too. Commands that read Redis refuse to run without it instead of printing
// an empty report with exit 0. No Redis is needed: every refusal happens before anything connects.
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { START_CEILING_MS, spawnProc } from "../support/procs.js";

// Unreachable on purpose: a refusal must come before any connection is tried.
const REDIS = "redis://127.0.0.1:9";
const noPlatform = { SLACK_BOT_TOKEN: "", SLACK_SIGNING_SECRET: "", SLACK_APP_TOKEN: "", MicrosoftAppId: "", TEAMS_ALLOW_UNAUTHENTICATED: "", ALLOW_NO_PLATFORM: "" };

/** The Procfile's `web` entry as a process; resolves with its exit code and output (stdout and stderr). */
async function runWebEntry(env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const p = spawnProc("web", process.execPath, ["--import", "tsx", "src/web.ts"], { env: { ...process.env, ...env } });
  // A refusal exits at once; if it started a server after all, stop waiting and end it (its group goes).
  await Promise.race([p.exited, new Promise((r) => setTimeout(r, START_CEILING_MS).unref())]);
  const code = p.child.exitCode;
  await p.kill();
  return { code, out: p.output(), err: "" };
}

describe("npm start and triage web", () => {
  it("npm start with REDIS_URL and no chat platform: refused, exit 2, saying what to set", async () => {
    const r = await runCli(["start"], "", { ...noPlatform, REDIS_URL: REDIS });
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toContain("no chat platform configured");
    expect(r.err).toContain("ALLOW_NO_PLATFORM=true");
  });

  it("triage web with no chat platform: refused, exit 2", async () => {
    const r = await runCli(["web"], "", { ...noPlatform, REDIS_URL: REDIS });
    expect(r.code).toBe(2);
    expect(r.err).toContain("--no-platform");
  });

  it("the Procfile's web entry with no chat platform: refused, exit 2, as one JSON line", async () => {
    const r = await runWebEntry({ ...noPlatform, REDIS_URL: REDIS });
    expect(r.code).toBe(2);
    const lines = `${r.out}${r.err}`.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 60, proc: "web", msg: expect.stringContaining("no chat platform configured") });
  });

  it("npm start with nothing configured says it runs the console bot, and why", async () => {
    const r = await runCli(["start"], "quit\n", noPlatform);
    expect(r.code).toBe(0);
    expect(r.err).toContain("console bot, because nothing is configured");
  });
});

describe("commands that read Redis", () => {
  for (const args of [["summary"], ["export", "--format", "csv"], ["eval", "--since", "30d"], ["tickets", "failed"]]) {
    it(`triage ${args.join(" ")} without REDIS_URL: exit 2 with one line naming REDIS_URL, no report`, async () => {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.out).toBe("");
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(r.err).toContain("REDIS_URL");
    });
  }
});
