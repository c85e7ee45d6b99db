// Fault injection for the outbox tests (test/integration/outbox-crash.test.ts), and nothing else: with
// NODE_ENV=test and TEST_CRASH_AFTER_ACTION_STORE=1, a process dies (SIGKILL, no clean-up) right after
// a ticket action stored its change and outbox entry and before it queued the follow-ups: the worst
// moment, which only the outbox sweep can repair. Outside tests it is never armed.
export function crashAfterActionStore(env: NodeJS.ProcessEnv = process.env): (() => Promise<void>) | undefined {
  if (env.NODE_ENV !== "test" || env.TEST_CRASH_AFTER_ACTION_STORE !== "1") return undefined;
  return () => {
    process.kill(process.pid, "SIGKILL");
    // SIGKILL cannot be caught; this only keeps the caller from going on while it lands.
    return new Promise<void>(() => {});
  };
}
