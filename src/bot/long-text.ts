// Typed messages (a Slack DM, a Teams chat, a terminal line) have no length limit the reporter can see
// before sending, unlike a modal or a card input. Past DESCRIPTION_MAX the bot keeps the beginning,
// never stores the rest, and says so in the same conversation: a silent cut lets a reporter believe
// the on-call read what they never received.
import { DESCRIPTION_MAX } from "../domain/vocabulary.js";
import { notice, type Reply } from "./reply.js";

/** How far back from the limit a cut may move to land on a space (so no word, or key, is kept in half). */
const BACKTRACK = 200;

const fmt = (n: number) => n.toLocaleString("en-US");

/** The input with its typed text cut to the limit, and the notice to show when it was cut. */
/** Generic over the turn input (src/bot/conversation.ts), so this file does not import the bot back. */
export function keepFirst<I extends { kind: string; text?: string }>(input: I, max = DESCRIPTION_MAX): { input: I; notice?: Reply } {
  if ((input.kind !== "start" && input.kind !== "text") || input.text === undefined || input.text.length <= max) return { input };
  const head = input.text.slice(0, max);
  // A secret that straddles the cut would otherwise be kept in part, where no rule may recognise it.
  const space = head.search(/\s\S*$/);
  const kept = (space >= max - BACKTRACK ? head.slice(0, space) : head).trimEnd();
  return {
    input: { ...input, text: kept },
    notice: notice(
      `Your message was ${fmt(input.text.length)} characters long; only the first ${fmt(max)} characters were kept ` +
        `(${fmt(kept.length)}, cut at a word) and the rest was not saved. Shorten it, or add what matters most first.`,
      "warning",
    ),
  };
}
