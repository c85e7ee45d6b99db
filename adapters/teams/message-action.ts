// The message action "Report as AI incident" (app manifest: composeExtensions, command reportMessage,
// context "message", fetchTask), Teams' counterpart of Slack's message shortcut. Teams sends the
// message in the invoke (composeExtension/fetchTask, or composeExtension/submitAction where a client
// skips the dialog); its text becomes the description and its link travels with the report, and the
// triage opens in the person's personal chat. The invoke's answer is a one-line dialog saying so.
import type { MessagingExtensionAction, MessagingExtensionActionResponse, TurnContext } from "botbuilder";
import { z } from "zod";

export const REPORT_MESSAGE_COMMAND = "reportMessage";

// Only what we read, checked: the rest of Teams' payload is ignored.
const Payload = z.object({
  body: z.object({ contentType: z.string().optional(), content: z.string().max(100_000).optional() }).optional(),
  linkToMessage: z.string().max(2000).optional(),
});

export interface ReportedMessage {
  text: string;
  /** the message's Teams link, kept only when it is an https Teams link. */
  link?: string;
}

/** The reported message of a message-action invoke, or undefined when it is not ours or unreadable. */
export function reportedMessage(action: MessagingExtensionAction): ReportedMessage | undefined {
  if (action.commandId !== REPORT_MESSAGE_COMMAND) return undefined;
  const p = Payload.safeParse(action.messagePayload ?? {});
  if (!p.success) return undefined;
  const body = p.data.body;
  const text = body?.contentType === "html" ? htmlToText(body.content ?? "") : (body?.content ?? "").trim();
  const link = teamsLink(p.data.linkToMessage);
  return { text, ...(link ? { link } : {}) };
}

/** Teams message bodies are HTML: paragraphs and breaks become line breaks, tags go, entities are read. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(br|\/p|\/div|\/li)\b[^>]*>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** The ticket card opens this link, so only a Teams https link is kept (never one a payload made up). */
function teamsLink(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === "https:" && (u.hostname === "teams.microsoft.com" || u.hostname === "teams.cloud.microsoft") ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** The dialog Teams shows after the action: one line, saying where the triage went. */
export const dialog = (line: string): MessagingExtensionActionResponse => ({ task: { type: "message", value: line } });

export type MessageActionHandler = (ctx: TurnContext, action: MessagingExtensionAction) => Promise<MessagingExtensionActionResponse>;
