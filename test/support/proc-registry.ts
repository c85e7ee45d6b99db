// Where the tests' child processes are written down for the orphan check: one file per vitest worker
// in a directory the global setup creates, lines of "pid starttime". The start time (from /proc) tells
// our child from an unrelated process that later reused its pid.
import { readFileSync } from "node:fs";

export const REGISTRY_ENV = "TRIAGE_TEST_PIDS_DIR";

/** The kernel's start time of `pid` (clock ticks since boot), or undefined without /proc or the pid. */
export function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 2 (comm) may hold spaces and parentheses: count fields after its closing ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** True while any process of the group `pid` leads is alive (the leader, or anything it forked). */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
