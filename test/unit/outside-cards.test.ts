// The linked Jira issue on the ticket, in each renderer: a link in Slack's context line, an OpenUrl
// button on the Teams card, the key and link in the console text; nothing when there is no issue.
import { describe, expect, it } from "vitest";
import { ticketNotes as consoleNotes } from "../../adapters/console/render.js";
import { ticketCard as slackCard } from "../../adapters/slack/blocks/ticket.js";
import { ticketCard as teamsCard } from "../../adapters/teams/cards/ticket.js";
import type { Incident } from "../../src/domain/incident.js";
import { jailbreakDraft } from "../support/fixtures.js";

const NOW = new Date("2026-11-24T10:00:00Z");
const base = (): Incident => ({ ...jailbreakDraft(NOW), id: "INC-2026-0042", rev: 3 }) as Incident;
const linked = (): Incident => {
  const i = base();
  return { ...i, timeline: [...i.timeline, { type: "delivered", at: NOW.toISOString(), to: "out:jira:r1:open", level: 0, ref: "SEC-7", link: "https://acme.atlassian.net/browse/SEC-7" }] };
};

describe("the Jira link on the ticket", () => {
  it("Slack: a link in the card's context", () => {
    expect(JSON.stringify(slackCard(linked(), { routeCount: 1 }))).toContain("<https://acme.atlassian.net/browse/SEC-7|SEC-7>");
    expect(JSON.stringify(slackCard(base(), { routeCount: 1 }))).not.toContain("Jira");
  });
  it("Teams: an OpenUrl action", () => {
    expect(teamsCard({ incident: linked(), route: 1 }).actions).toContainEqual({ type: "Action.OpenUrl", title: "Jira SEC-7", url: "https://acme.atlassian.net/browse/SEC-7" });
    expect(JSON.stringify(teamsCard({ incident: base(), route: 1 }))).not.toContain("Jira");
  });
  it("console: the key and the link", () => {
    expect(consoleNotes(linked())).toContain("Jira SEC-7 https://acme.atlassian.net/browse/SEC-7");
    expect(consoleNotes(base())).toBe("");
  });
});
