// Issue 16, item 1 in Teams: the ticket card and the page carry the whole report. The description's
// first part shows, the rest folds behind "Show full report" with every answer and the evidence of
// each accepted suggestion; people's text stays inert and the card stays within Teams' ~28 KB.
import { describe, expect, it } from "vitest";
import { ANSWERS, SAFETY, cardOf, chatWith, postsTo, rita, setup, ticketIn, triage } from "../support/teams-env.js";

const STORY = "The support bot told a customer their anxiety was their own fault [click](https://evil.example) *now*.";
const LONG = `${STORY}\n${Array.from({ length: 40 }, (_, k) => `Detail ${k}: it said the same to another user in that session.`).join(" ")}`;

/** The ShowCard in the body that holds the whole report. */
const folded = (card: any) => card.body.find((e: any) => e.type === "ActionSet")?.actions.find((a: any) => a.type === "Action.ShowCard");

describe("Teams: the whole report on the ticket and the page", () => {
  it("folds a long description, and holds it whole with every answer and the accepted suggestions' evidence", async () => {
    const env = await setup();
    const { incident } = await triage(env, rita, LONG, ANSWERS.safety);
    const accepted = Object.entries(incident.pretriage?.proposals ?? {}).filter(([, p]) => p.accepted);
    const ticket = ticketIn(env, SAFETY, incident.id)!;
    const page = postsTo(env.fake, chatWith(env, "aad-ada")!.id).find((c) => JSON.stringify(cardOf(c) ?? {}).includes(incident.id))!;
    for (const posted of [ticket, page]) {
      const card = cardOf(posted)!;
      expect(Buffer.byteLength(JSON.stringify(posted.body))).toBeLessThan(28_000);
      const visible = JSON.stringify(card.body.filter((e: any) => e.type !== "ActionSet"));
      expect(visible).toContain("The support bot told a customer their anxiety");
      expect(visible).not.toContain("Detail 39:"); // folded
      const more = folded(card);
      expect(more.title).toBe("Show full report");
      const whole = JSON.stringify(more.card.body);
      for (let k = 0; k < 40; k++) expect(whole).toContain(`Detail ${k}: it said`);
      expect(whole).toContain("**Answers**");
      expect(whole).toContain("Intent: none");
      expect(whole).toContain("Failure kind: harmful-output");
      // Inert: the reporter's link and emphasis are not Markdown.
      expect(whole).toContain("\\\\[click\\\\] (https://evil.example) \\\\*now\\\\*");
      if (accepted.length) expect(whole).toContain("**Accepted suggestions**");
      else expect(whole).not.toContain("Accepted suggestions");
      for (const [, p] of accepted) expect(whole).toContain(`(suggested at ${Math.round(p.confidence * 100)}%`);
    }
  });
});
