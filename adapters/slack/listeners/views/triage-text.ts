// The free-text answer modal was submitted: an empty answer keeps the modal open with an error;
// otherwise the modal closes at once and the answer goes to the bot like a button click.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { INPUT, TextModalMeta, decode } from "../../ids.js";
import { actorOf, turnKey, type SlackDeps } from "../../deps.js";
import { submitTurn } from "../../turns.js";

export const inputValue = (view: ViewSubmitAction["view"]) => (view.state.values[INPUT.block]?.[INPUT.element]?.value ?? "").trim();

export const triageTextView =
  (d: SlackDeps) =>
  async ({ view, body, ack, client, context }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs): Promise<void> => {
    const text = inputValue(view);
    const meta = decode(TextModalMeta, view.private_metadata);
    if (!text) return ack({ response_action: "errors", errors: { [INPUT.block]: "Please describe what happened (a sentence is enough)." } });
    await ack();
    if (!meta?.q) return;
    const user = actorOf(body.user);
    await submitTurn(d, client, {
      platform: "slack",
      key: turnKey(context.teamId ?? body.user.team_id, user.userId),
      user,
      input: { kind: "answer", questionId: meta.q, value: text, rev: meta.r },
      dm: meta.ch,
      origin: { channel: meta.ch, ts: meta.ts, conversationId: meta.c, questionId: meta.q },
      whisper: { channel: meta.ch, user: user.userId },
    });
  };
