// Runs the `triage` CLI as a user does: a process with piped stdin; resolves with its exit code and
// output. REDIS_URL is cleared unless given, so a developer's environment never leaks into a test.
// Started through test/support/procs.ts: its own process group, killed if the test ends first.
import { spawnProc } from "./procs.js";

export async function runCli(args: string[], input = "", env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  const p = spawnProc("triage cli", process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { env: { ...process.env, REDIS_URL: "", ...env }, stdin: "pipe" });
  let out = "";
  let err = "";
  // Kept apart here (procs.ts interleaves them): callers assert on stdout and stderr separately.
  p.child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  p.child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const closed = new Promise<number | null>((r) => p.child.on("close", (code) => r(code)));
  p.child.stdin!.end(input);
  return { code: await closed, out, err };
}
