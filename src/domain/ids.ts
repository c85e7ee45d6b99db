// The small references that travel through chat platforms and come back in button values, modal
// metadata and card submits. They are attacker-controlled input: each has one strict schema here, and
// a value that fails it is refused before anything is looked up.
import { z } from "zod";

export const QUESTION_ID = /^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/;
export const OPTION_VALUE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const QuestionId = z.string().regex(QUESTION_ID, "must be a letter then letters, digits, - or _ (max 64)");
export const OptionValue = z.string().regex(OPTION_VALUE, "must be lower-case letters, digits, - or _");
/** A walk-through's id (`<turn key>:<uuid>`): printable ASCII without spaces, compared to the stored one. */
export const ConversationRef = z.string().min(1).max(300).regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");
/** A revision number of a walk-through. */
export const Rev = z.number().int().min(0).max(1_000_000);
