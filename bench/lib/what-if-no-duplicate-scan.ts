// Diagnostic only, never part of `npm run bench`: preloaded into the web process by
// `npm run bench:route -- --what-if-no-duplicate-scan`, it turns off the duplicate check the bot runs
// before filing (Filing.duplicateOf: the report's LSH buckets, then the exact check on candidates),
// to show what route latency the rest of the chain allows. The source is not modified.
import { Filing } from "../../src/bot/filing.js";

Filing.prototype.duplicateOf = async () => undefined;
