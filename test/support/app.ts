// An embedded app for tests: real flow and signals, the test roster, a recording notifier, a manual clock.
import { createEmbeddedApp, type App } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { RecordingNotifier } from "../../src/tickets/notifier.js";
import { defs } from "./defs.js";
import { testRoster } from "./roster.js";

export function testApp(): { app: App; sent: RecordingNotifier; clock: ManualClock } {
  const clock = new ManualClock();
  const sent = new RecordingNotifier(["console"]);
  const app = createEmbeddedApp(loadConfig({}), { notifier: sent, log: silentLogger, clock, defs: { ...defs(), roster: testRoster() } });
  return { app, sent, clock };
}
