// Runs before `npm test`: the integration tests start their own redis-server, so it must be on PATH.
// Says how to get it instead of letting forty tests fail with ENOENT. Skipped when REDIS_URL is set.
import { spawnSync } from "node:child_process";

if (!process.env.REDIS_URL) {
  const r = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (r.error) {
    process.stderr.write(
      "npm test needs redis-server on PATH (the tests start their own, on a free port).\n" +
        "  Debian/Ubuntu: sudo apt-get install -y redis-server    macOS: brew install redis\n" +
        "  Or point the tests at a disposable server: REDIS_URL=redis://127.0.0.1:6390 npm test\n",
    );
    process.exit(1);
  }
}
