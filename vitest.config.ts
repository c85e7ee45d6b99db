import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Integration files start their own redis-server and child processes: keep two at a time on 2 cores.
    pool: "forks",
    maxWorkers: 2,
    // Generous: a busy CI machine (load 10-16 on 2 cores) is slow, not stuck; waits inside end sooner
    // (START_CEILING_MS) with a message that says what never happened.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Children of the tests: killed when their test or file ends, and none may outlive the run.
    setupFiles: ["test/support/setup-procs.ts"],
    globalSetup: ["test/support/orphan-check.ts"],
  },
});
