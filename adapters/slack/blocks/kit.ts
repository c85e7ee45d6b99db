// Block Kit building blocks with Slack's limits applied in one place, and mrkdwn escaping for any
// text that came from people (a description with <!channel> must not ping a channel). The top-level
// `text` of a message is what notifications, phones and screen readers show: it is escaped the same.
import type { types } from "@slack/bolt";
import { stripInvisible } from "../../../src/domain/invisible.js";

export type Block = types.KnownBlock;
export type Button = types.Button;

export const LIMITS = { blocks: 50, section: 3000, field: 2000, header: 150, button: 75, value: 2000, context: 10, actions: 25, option: 75 };

/**
 * Text from people, made inert: the three characters Slack's mrkdwn treats as control characters are
 * escaped (no <!channel>, <@U…> or <https://…|label> of theirs works), and bidi and zero-width
 * characters are dropped (records stored before intake removed them, and names, still hold them).
 */
export const esc = (s: string) => stripInvisible(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Cuts to `max` characters without leaving half an escape sequence behind. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${s.slice(0, max - 1).replace(/&[a-z]{0,4}$/, "")}…`;
}

export const section = (text: string): Block => ({ type: "section", text: { type: "mrkdwn", text: clip(text, LIMITS.section) } });
export const fields = (items: string[]): Block => ({
  type: "section",
  fields: items.slice(0, 10).map((t) => ({ type: "mrkdwn" as const, text: clip(t, LIMITS.field) })),
});
export const header = (text: string): Block => ({ type: "header", text: { type: "plain_text", text: clip(text, LIMITS.header), emoji: true } });
export const context = (...texts: string[]): Block => ({
  type: "context",
  elements: texts.slice(0, LIMITS.context).map((t) => ({ type: "mrkdwn" as const, text: clip(t, LIMITS.section) })),
});
export const divider = (): Block => ({ type: "divider" });

export function button(text: string, actionId: string, value: string, style?: "primary" | "danger"): Button {
  return {
    type: "button",
    text: { type: "plain_text", text: clip(text, LIMITS.button), emoji: true },
    action_id: actionId,
    value: clip(value, LIMITS.value),
    ...(style ? { style } : {}),
  };
}

export const actions = (blockId: string, elements: types.ActionsBlockElement[]): Block => ({
  type: "actions",
  block_id: blockId,
  elements: elements.slice(0, LIMITS.actions),
});

/** Lines packed into as few sections as fit Slack's 3000-character limit. */
export function sections(lines: string[], maxBlocks = 10): Block[] {
  const out: string[] = [];
  for (const line of lines.map((l) => clip(l, LIMITS.section))) {
    const last = out.at(-1);
    if (last !== undefined && last.length + 1 + line.length <= LIMITS.section) out[out.length - 1] = `${last}\n${line}`;
    else out.push(line);
  }
  return out.slice(0, maxBlocks).map(section);
}

/** Keeps a message within Slack's 50-block limit, dropping from the middle (actions stay last). */
export function capped(blocks: Block[]): Block[] {
  if (blocks.length <= LIMITS.blocks) return blocks;
  const tail = blocks.slice(-3);
  return [...blocks.slice(0, LIMITS.blocks - 4), context("_(shortened to fit Slack)_"), ...tail];
}

export const pct = (c: number) => `${Math.round(c * 100)}%`;
