// The baseline of figure 1 (and 4): a bare Bolt app whose HTTPReceiver verifies the signature, parses
// the request and acks it, nothing else. Served by a plain node:http server through the receiver's
// requestListener, the way src/http.ts serves ours, so the two differ only in what the app does.
// Run as a child process: prints nothing, sends {ready, port} over IPC.
import { createServer } from "node:http";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";

const secret = process.env.SLACK_SIGNING_SECRET ?? "";
const token = process.env.SLACK_BOT_TOKEN ?? "";
const receiver = new HTTPReceiver({ signingSecret: secret, endpoints: "/slack/events", processBeforeResponse: false, logLevel: LogLevel.ERROR });
const bolt = new App({
  receiver,
  logLevel: LogLevel.ERROR,
  // Like ours: known bot ids, so Bolt never calls auth.test.
  authorize: async () => ({ botToken: token, botId: "B0BOT", botUserId: "U0BOT" }),
  ...(process.env.SLACK_API_URL ? { clientOptions: { slackApiUrl: process.env.SLACK_API_URL } } : {}),
});
bolt.action(/.*/, async ({ ack }) => ack());
bolt.command(/.*/, async ({ ack }) => ack());
bolt.view(/.*/, async ({ ack }) => ack());
bolt.shortcut(/.*/, async ({ ack }) => ack());

const server = createServer(receiver.requestListener);
server.listen(0, "127.0.0.1", () => process.send?.({ ready: true, port: (server.address() as { port: number }).port }));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
