// vitest global setup: the orphan check. Test processes write every child they start to a registry
// (test/support/procs.ts); after the whole run, any of those process groups still alive is an orphan:
// it is killed, and the run fails naming it, because a leaked worker retrying a dead Redis for twenty
// minutes is a bug in a test even when every assertion passed.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REGISTRY_ENV, groupAlive, startTimeOf } from "./proc-registry.js";

/** How long a group killed at the very end may take to be gone (reaped by init once its worker exits). */
const SETTLE_MS = 5_000;

export function setup(): () => Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "triage-test-pids-"));
  // Read by the test workers, which vitest forks after global setup with this environment.
  process.env[REGISTRY_ENV] = dir;
  return async () => {
    let orphans = findOrphans(dir);
    // A child killed in its test's last moments can still be a zombie here (its parent, a test
    // worker, has just exited): wait for the groups to be gone, up to a deadline, before blaming them.
    const deadline = Date.now() + SETTLE_MS;
    while (orphans.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      orphans = orphans.filter(groupAlive);
    }
    rmSync(dir, { recursive: true, force: true });
    if (orphans.length) {
      for (const pid of orphans) killGroup(pid);
      // vitest 4 reports an error thrown here but still exits 0: set the exit code as well.
      process.exitCode = 1;
      throw new Error(`orphan check: ${orphans.length} child process group(s) outlived the tests and were killed: ${orphans.join(", ")}`);
    }
  };
}

function findOrphans(dir: string): number[] {
  const orphans: number[] = [];
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      const [pidText, started] = line.split(" ");
      const pid = Number(pidText);
      if (!pid || !groupAlive(pid)) continue;
      // A recycled pid leading an unrelated group is not ours.
      const now = startTimeOf(pid);
      if (started !== "?" && now !== undefined && now !== started) continue;
      orphans.push(pid);
    }
  }
  return orphans;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // gone meanwhile
  }
}
