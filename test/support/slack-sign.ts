// Signed Slack requests in Slack's real wire shapes: form-encoded slash commands, `payload=` JSON
// interactions (block_actions, view_submission, shortcut, message_action) and JSON Events API
// callbacks, signed `v0=HMAC_SHA256(secret, "v0:" + ts + ":" + rawBody)`.
import { createHmac, randomUUID } from "node:crypto";

export const TEAM = { id: "T0TEST", domain: "acme" };
export const nowSeconds = () => Math.floor(Date.now() / 1000);

export function signature(secret: string, ts: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;
}

export interface SendOptions {
  /** signature timestamp (seconds); defaults to now. */
  ts?: number;
  /** a wrong secret signs a forged request. */
  secret?: string;
  headers?: Record<string, string>;
}

export interface User {
  id: string;
  name: string;
}

/** A message as the fake stored it, enough to click its buttons. */
export interface PostedMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: any[];
}

/** The form fields of `/incident <text>` as Slack posts them. */
export function commandFields(user: User, text: string, responseUrl: string): Record<string, string> {
  return {
    token: "legacy-verification-token",
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: "C0GENERAL",
    channel_name: "general",
    user_id: user.id,
    user_name: user.name,
    command: "/incident",
    text,
    api_app_id: "A0TRIAGE",
    is_enterprise_install: "false",
    response_url: responseUrl,
    trigger_id: `trigger-${randomUUID()}`,
  };
}

/** A `block_actions` payload as Slack sends it when `user` clicks `button` on a posted message. */
export function blockActionsPayload(
  user: User,
  msg: PostedMessage,
  button: { action_id: string; value?: string; text?: unknown },
  state: Record<string, any>,
  responseUrl: (id: string) => string,
) {
  const id = randomUUID();
  const blockId = msg.blocks?.find((b) => b.type === "actions" && b.elements?.some((e: any) => e.action_id === button.action_id))?.block_id ?? "b";
  return {
    type: "block_actions",
    user: { id: user.id, username: user.name, name: user.name, team_id: TEAM.id },
    api_app_id: "A0TRIAGE",
    token: "legacy-verification-token",
    container: { type: "message", message_ts: msg.ts, channel_id: msg.channel, is_ephemeral: false },
    trigger_id: `trigger-${id}`,
    team: TEAM,
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: msg.channel, name: msg.channel.startsWith("D") ? "directmessage" : "oncall" },
    message: { type: "message", subtype: "bot_message", text: msg.text, ts: msg.ts, bot_id: "B0BOT", blocks: msg.blocks },
    state: { values: state },
    response_url: responseUrl(id),
    actions: [{ type: "button", action_id: button.action_id, block_id: blockId, text: button.text, value: button.value, action_ts: String(Date.now() / 1000) }],
  };
}

export class SlackRequests {
  constructor(private readonly endpoint: string, private readonly secret: string, private readonly responseUrl: (id: string) => string) {}

  async send(body: string, contentType: string, o: SendOptions = {}): Promise<Response> {
    const ts = o.ts ?? nowSeconds();
    return fetch(this.endpoint, {
      method: "POST",
      headers: {
        "content-type": contentType,
        "x-slack-request-timestamp": String(ts),
        "x-slack-signature": signature(o.secret ?? this.secret, ts, body),
        ...o.headers,
      },
      body,
    });
  }

  form(fields: Record<string, string>, o?: SendOptions) {
    return this.send(new URLSearchParams(fields).toString(), "application/x-www-form-urlencoded", o);
  }

  interaction(payload: object, o?: SendOptions) {
    return this.form({ payload: JSON.stringify(payload) }, o);
  }

  command(user: User, text: string, o?: SendOptions) {
    return this.form(commandFields(user, text, this.responseUrl(`cmd-${randomUUID()}`)), o);
  }

  /** Clicks a button of a posted message; `state` holds checkbox selections of that message. */
  click(user: User, msg: PostedMessage, button: any, state: Record<string, any> = {}, o?: SendOptions) {
    return this.interaction(blockActionsPayload(user, msg, button, state, (id) => this.responseUrl(`click-${id}`)), o);
  }

  /** Submits a modal the app opened (the `view` argument of its views.open call) with a typed value. */
  submit(user: User, view: any, values: Record<string, Record<string, string>>, o?: SendOptions) {
    const state: Record<string, Record<string, { type: string; value: string }>> = {};
    for (const [block, els] of Object.entries(values)) {
      state[block] = Object.fromEntries(Object.entries(els).map(([el, value]) => [el, { type: "plain_text_input", value }]));
    }
    return this.interaction(
      {
        type: "view_submission",
        team: TEAM,
        user: { id: user.id, username: user.name, name: user.name, team_id: TEAM.id },
        api_app_id: "A0TRIAGE",
        token: "legacy-verification-token",
        trigger_id: `trigger-${randomUUID()}`,
        view: {
          id: "V0MODAL",
          team_id: TEAM.id,
          type: "modal",
          blocks: view.blocks,
          private_metadata: view.private_metadata ?? "",
          callback_id: view.callback_id,
          state: { values: state },
          hash: "1700000000.abcdef",
          title: view.title,
          close: view.close ?? null,
          submit: view.submit ?? null,
          previous_view_id: null,
          root_view_id: "V0MODAL",
          app_id: "A0TRIAGE",
          external_id: "",
          app_installed_team_id: TEAM.id,
          bot_id: "B0BOT",
        },
        response_urls: [],
        is_enterprise_install: false,
        enterprise: null,
      },
      o,
    );
  }

  globalShortcut(user: User, callbackId: string, o?: SendOptions) {
    return this.interaction(
      {
        type: "shortcut",
        token: "legacy-verification-token",
        action_ts: String(Date.now() / 1000),
        team: TEAM,
        user: { id: user.id, username: user.name, team_id: TEAM.id },
        is_enterprise_install: false,
        enterprise: null,
        callback_id: callbackId,
        trigger_id: `trigger-${randomUUID()}`,
      },
      o,
    );
  }

  messageShortcut(user: User, callbackId: string, message: { channel: string; ts: string; text: string; user: string }, o?: SendOptions) {
    return this.interaction(
      {
        type: "message_action",
        token: "legacy-verification-token",
        action_ts: String(Date.now() / 1000),
        team: TEAM,
        user: { id: user.id, username: user.name, team_id: TEAM.id, name: user.name },
        channel: { id: message.channel, name: "ml-ops" },
        is_enterprise_install: false,
        enterprise: null,
        callback_id: callbackId,
        trigger_id: `trigger-${randomUUID()}`,
        response_url: this.responseUrl(`msg-${randomUUID()}`),
        message_ts: message.ts,
        message: { type: "message", user: message.user, ts: message.ts, text: message.text, client_msg_id: randomUUID() },
      },
      o,
    );
  }

  /** An Events API delivery of a DM typed to the bot; `retryNum` marks it as Slack's re-delivery. */
  directMessage(user: User, text: string, eventId: string, retryNum?: number, o: SendOptions = {}) {
    const ts = String(Date.now() / 1000);
    const body = JSON.stringify({
      token: "legacy-verification-token",
      team_id: TEAM.id,
      api_app_id: "A0TRIAGE",
      event: { type: "message", channel: `D${user.id}`, channel_type: "im", user: user.id, text, ts, event_ts: ts, client_msg_id: randomUUID() },
      type: "event_callback",
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: TEAM.id, user_id: "U0BOT", is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    });
    const retry: Record<string, string> = retryNum ? { "x-slack-retry-num": String(retryNum), "x-slack-retry-reason": "http_timeout" } : {};
    return this.send(body, "application/json", { ...o, headers: { ...retry, ...o.headers } });
  }
}
