// Issue 14, item 5: a manager sees the same facts in Teams as in Slack. Both cards are rendered from
// one summary (the golden window of test/fixtures/summary) and reduced to their fact lines, without
// each platform's markup; the lines must be the same, in the same order.
import { describe, expect, it } from "vitest";
import { summaryCard } from "../../adapters/teams/cards/summary.js";
import { renderReply } from "../../adapters/slack/blocks/reply.js";
import { ackMinutes } from "../../src/domain/roster.js";
import { summarize } from "../../src/domain/summary.js";
import { CURRENT, PREVIOUS, WINDOW, incident } from "../fixtures/summary/build.js";
import { testRoster } from "../support/roster.js";

const roster = testRoster();
const summary = summarize(CURRENT.map(incident), PREVIOUS.map(incident), WINDOW, {
  now: WINDOW.to,
  ackTargets: (d, s) => ackMinutes(roster, d, s),
});

/** A line as a reader sees it: no bold markers, escapes, entities or bullet characters. */
const fact = (l: string) =>
  l
    .replace(/\*\*?/g, "")
    .replace(/\\(.)/g, "$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/^(•|-) /, "")
    .trim();

function slackFacts(): string[] {
  const blocks = renderReply({ kind: "summary", summary }).blocks as Array<{ type: string; text?: { text: string } }>;
  const lines = blocks.filter((b) => b.type === "section").flatMap((b) => b.text!.text.split("\n"));
  return lines.map(fact);
}

function teamsFacts(): string[] {
  const body = summaryCard(summary).body as Array<{ type: string; text?: string }>;
  return body.filter((e) => e.type === "TextBlock").flatMap((e) => e.text!.split("\n")).map(fact);
}

describe("the summary card in Teams and in Slack", () => {
  it("shows the same facts, line for line", () => {
    const [slackHead, ...slack] = slackFacts();
    const [teamsHeading, teamsWindow, ...teams] = teamsFacts();
    expect(teams).toEqual(slack);
    // The heading line is split in Teams into a heading and the window under it.
    expect(slackHead).toContain("last 7 days");
    expect(teamsHeading).toBe("Incidents, last 7 days");
    expect(slackHead).toContain(teamsWindow!.replace(" to ", " → "));
  });

  it("the facts Teams lacked before: percentiles, escalations, missed targets, cross-domain, reroutes, open SEV1/SEV2, refs", () => {
    const teams = teamsFacts().join("\n");
    for (const f of [
      "time to acknowledge (median / p90)",
      "time to resolve (median / p90)",
      "escalations: 3 on 2 incidents",
      "acknowledgement target missed",
      "Cross-domain: 3 (security->safety 2, safety->security 1)",
      "Rerouted to the other domain: 1",
      "Open SEV1/SEV2: 2",
      "Top taxonomy refs",
    ]) {
      expect(teams).toContain(f);
    }
  });
});
