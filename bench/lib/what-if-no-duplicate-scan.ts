// Diagnostic only, never part of `npm run bench`: preloaded into the web process by
// `npm run bench:route -- --what-if-no-duplicate-scan`, it turns off the duplicate check the bot runs
// before filing (Filing.duplicateOf lists every incident of the last two hours and compares each),
// to show what route latency the rest of the chain allows. The source is not modified.
import { Filing } from "../../src/bot/filing.js";

Filing.prototype.duplicateOf = async () => undefined;
