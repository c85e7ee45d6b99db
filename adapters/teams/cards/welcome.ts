// The greeting on install and the answer to "help": what the bot does and how to start.
import { card, submit, text, type AdaptiveCard } from "./card.js";

export function welcomeCard(opts: { inChannel: boolean }): AdaptiveCard {
  const how = opts.inChannel
    ? "Mention me with **incident** and a few words to report one; I will walk you through it in a private chat."
    : "Type **incident** followed by what happened, or press the button. I will ask a few questions, decide whether it is AI safety (something failed) or AI security (someone did it on purpose), and page the right on-call.";
  return card(
    [
      text("AI incident triage", { weight: "bolder", size: "medium", style: "heading" }),
      text(how),
      text("Managers: **summary** [7d|30d|90d] [safety|security] shows a summary.", { size: "small", isSubtle: true }),
      text("**show** INC-… and **list** [open|mine|safety|security] look incidents up; on-call: **severity**, **intent**, **kind**, **note**, **reopen**, **command**, **commander** INC-… change one.", { size: "small", isSubtle: true }),
    ],
    opts.inChannel ? [] : [submit("Report an AI incident", { action: "start" }, "positive")],
  );
}
