// Text from people, made inert for Teams. Adaptive Card TextBlocks and fact values are Markdown, so a
// reporter's "[Reset your password](https://evil.example)" would be a link with a label of their
// choosing; message text is Markdown with HTML, where <at> and entities mean something. Nothing of
// theirs may format, link or mention. Bidi and zero-width characters are dropped (see invisible.ts).
import { stripInvisible } from "../../../src/domain/invisible.js";

/** "](" becomes "] (": no [label](url) link in any Markdown dialect, whether backslashes are honoured or not. */
const unlink = (s: string) => stripInvisible(s).replace(/\]\s*\(/g, "] (");

/** For TextBlock and FactSet text: Markdown characters backslash-escaped, list and heading starts too. */
export function plain(s: string): string {
  return unlink(s)
    .replace(/[\\`*_~[\]<>#|]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([-+])(?=\s)/gm, "$1\\$2")
    .replace(/^(\s*)(\d+)\.(?=\s)/gm, "$1$2\\.");
}

/** For a message's `text` (Markdown with HTML): &, < and > as entities, so no <at> or tag of theirs works. */
export function messageText(s: string): string {
  return unlink(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** For notification previews (an activity's `summary`): plain text, so only the controls and link syntax go. */
export const preview = (s: string): string => unlink(s);
