// Reporter text as each surface shows it: no bidi or zero-width character survives intake or a
// renderer, Slack text is escaped (top-level text too), Teams text makes no link, mention or format,
// the terminal gets no escape sequence, and typed text over the limit is cut with a notice.
import { describe, expect, it } from "vitest";
import { renderOutbound, renderReply as consoleReply } from "../../adapters/console/render.js";
import { answeredBlocks, renderReply as slackReply } from "../../adapters/slack/blocks/reply.js";
import { ticketText } from "../../adapters/slack/blocks/ticket.js";
import { messageText, plain } from "../../adapters/teams/cards/inert.js";
import { ticketCard } from "../../adapters/teams/cards/ticket.js";
import { keepFirst } from "../../src/bot/long-text.js";
import { notice } from "../../src/bot/reply.js";
import { draftIncident, type Incident } from "../../src/domain/incident.js";
import { INVISIBLE, stripInvisible } from "../../src/domain/invisible.js";
import { redact } from "../../src/domain/redact.js";
import { makeDraft } from "../support/fixtures.js";

const CONTROLS = ["\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069", "\u200E", "\u200F", "\u061C", "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u{E0041}"];
const SPOOFED = `invoice_${CONTROLS.join("")}gnp.exe`;

function incident(title: string): Incident {
  const d = makeDraft();
  return { ...d, id: "INC-2026-0001", rev: 1, title, reporter: { platform: "teams", userId: "u1", name: "Ri\u202Eta" } };
}

describe("invisible characters", () => {
  it("every bidi control, zero-width and tag character is removed, and nothing else", () => {
    expect(stripInvisible(SPOOFED)).toBe("invoice_gnp.exe");
    expect(stripInvisible("naïve café — 東京 👍 مرحبا")).toBe("naïve café — 東京 👍 مرحبا");
  });

  it("are gone from what redaction returns, so titles are stored without them and a split key is still found", () => {
    expect(redact(SPOOFED).text).toBe("invoice_gnp.exe");
    const split = redact("key AKIA\u200BIOSFODNN7EXAMPLE leaked");
    expect(split.text).toBe("key [REDACTED:aws-access-key] leaked");
    const d = makeDraft();
    const description = redact(`${SPOOFED} was attached`).text;
    const drafted = draftIncident({ conversationId: "c", reporter: d.reporter, answers: { ...d.answers, description }, classification: d.classification, routing: d.routing, now: new Date() });
    expect(drafted.title).toBe("invoice_gnp.exe was attached");
  });

  it("never reach a rendered title or name, on any surface, even from a record stored before", () => {
    const i = incident(`${SPOOFED} <!channel>`);
    expect(ticketText(i)).not.toMatch(INVISIBLE);
    expect(JSON.stringify(ticketCard({ incident: i, route: 1 }))).not.toMatch(INVISIBLE);
    const out = renderOutbound({ kind: "ticket", incident: i, to: { platform: "console", address: "#x" }, oncall: { name: "Ada" }, level: 0 } as never);
    expect(out).not.toMatch(INVISIBLE);
  });
});

describe("Slack text", () => {
  const INJECTION = "<!channel> <!here> <@U123> <https://evil.example|click> & co";
  const ESCAPED = "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp; co";

  it("the ticket's top-level text is escaped like its blocks", () => {
    const c = makeDraft().classification;
    expect(ticketText(incident(INJECTION))).toBe(`${c.severity} AI ${c.primary} incident INC-2026-0001: ${ESCAPED}`);
  });

  it("an answered question, a notice and a text prompt escape their top-level text", () => {
    expect(answeredBlocks("What happened?", INJECTION).text).toBe(`What happened?: ${ESCAPED}`);
    expect(slackReply(notice(`'${INJECTION}' is not an option`)).text).toBe(`'${ESCAPED}' is not an option`);
  });
});

describe("Teams text", () => {
  it("a Markdown link, emphasis, list or heading of a reporter's is shown as typed, not rendered", () => {
    expect(plain("[Reset](https://evil.example) **now** _x_ `c` <at>Ada</at>")).toBe("\\[Reset\\] (https://evil.example) \\*\\*now\\*\\* \\_x\\_ \\`c\\` \\<at\\>Ada\\</at\\>");
    expect(plain("- one\n1. two\n# three")).toBe("\\- one\n1\\. two\n\\# three");
  });

  it("message text carries no tag or entity of theirs", () => {
    expect(messageText("<at>Ada</at> &amp; [x](https://e.example)")).toBe("&lt;at&gt;Ada&lt;/at&gt; &amp;amp; [x] (https://e.example)");
  });
});

describe("the terminal", () => {
  it("gets no escape sequence or control character from a reporter", () => {
    expect(consoleReply(notice("\u001b]0;pwned\u0007\u001b[2Jhello\u202E"))).toBe("ℹ ]0;pwned[2Jhello");
  });
});

describe("typed text over the limit", () => {
  it("is cut at a word before the limit, with a notice that names both lengths", () => {
    const text = `${"abcd ".repeat(900)}TAIL`;
    const r = keepFirst({ kind: "start", text }, 4000);
    const kept = (r.input as { text: string }).text;
    expect(kept.length).toBeLessThanOrEqual(4000);
    expect(kept.endsWith("abcd")).toBe(true);
    expect(r.notice).toMatchObject({ kind: "notice", level: "warning" });
    expect((r.notice as { text: string }).text).toContain(`Your message was ${text.length.toLocaleString("en-US")} characters long; only the first 4,000 characters were kept`);
  });

  it("drops a secret that straddles the cut instead of keeping half of it", () => {
    const text = `${"x ".repeat(1990)}ghp_JcHRaZAEEzgcxhDK40L9NhpTBAKyd2GkdlNt`;
    const kept = (keepFirst({ kind: "text", text }, 4000).input as { text: string }).text;
    expect(kept).not.toContain("ghp_");
  });

  it("leaves shorter text, clicks and answers alone", () => {
    expect(keepFirst({ kind: "start", text: "short" })).toEqual({ input: { kind: "start", text: "short" } });
    expect(keepFirst({ kind: "back" })).toEqual({ input: { kind: "back" } });
  });
});
