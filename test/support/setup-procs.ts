// vitest setup file (runs in every test file): whatever child processes a file started and did not
// stop are killed when the file ends, so a failed or timed-out test never leaves one running.
import { afterAll } from "vitest";
import { killAll } from "./procs.js";

afterAll(async () => {
  await killAll();
});
