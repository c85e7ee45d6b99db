// Runs the `triage` CLI as a user does: a process with piped stdin; resolves with its exit code and
// output. REDIS_URL is cleared unless given, so a developer's environment never leaks into a test.
import { spawn } from "node:child_process";

export function runCli(args: string[], input = "", env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { env: { ...process.env, REDIS_URL: "", ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("close", (code) => resolve({ code, out, err }));
    p.stdin.end(input);
  });
}
