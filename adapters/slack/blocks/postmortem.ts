// A postmortem draft (Markdown) as a Slack message: the source in code blocks, so it can be copied
// into a document as is, each within a section's 3,000 characters, whole lines kept together.
import type { SlackMessage } from "./reply.js";
import { LIMITS, capped, esc, section, type Block } from "./kit.js";

/** Room for the fences and for escapes (&amp; is five characters for one). */
const CHUNK = LIMITS.section - 400;

export function postmortemMessage(id: string, markdown: string): SlackMessage {
  const parts: string[] = [];
  for (const raw of markdown.trimEnd().split("\n")) {
    // A fence in someone's text would close our code block: its backticks are spaced apart.
    const line = esc(raw).replace(/```/g, "` ` `").slice(0, CHUNK);
    const last = parts.at(-1);
    if (last !== undefined && last.length + 1 + line.length <= CHUNK) parts[parts.length - 1] = `${last}\n${line}`;
    else parts.push(line);
  }
  const blocks: Block[] = [section(`*Postmortem draft of ${id}* (Markdown: copy it into your document, then write the empty sections)`), ...parts.map((p) => section(`\`\`\`${p}\`\`\``))];
  return { text: `Postmortem draft of ${id}`, blocks: capped(blocks) };
}
