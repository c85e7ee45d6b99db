// The postmortem draft: the facts read off the record (classification as filed and each change with
// its reason, times to acknowledge and resolve), the Markdown sections, and `triage postmortem`.
import { describe, expect, it } from "vitest";
import { renderPostmortemMarkdown, TO_WRITE } from "../../src/bot/postmortem-markdown.js";
import { ManualClock } from "../../src/clock.js";
import { runPostmortem } from "../../src/commands/postmortem.js";
import { acknowledge, draftIncident, reroute, resolve, type Actor, type Incident } from "../../src/domain/incident.js";
import { postmortemFacts } from "../../src/domain/postmortem.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import { defs } from "../support/defs.js";
import { testRoster } from "../support/roster.js";

const roster = testRoster();
const t0 = new Date("2026-11-24T10:00:00Z");
const at = (min: number) => new Date(t0.getTime() + min * 60_000);
const rita: Actor = { platform: "slack", userId: "U0RITA", name: "rita" };
const hedy: Actor = { platform: "slack", userId: "U0HEDY", name: "Hedy" };
const ada: Actor = { platform: "slack", userId: "U0ADA", name: "Ada" };

function filed(): Incident {
  const d = draftIncident({
    conversationId: "pm-1",
    reporter: rita,
    answers: { description: "The bot | leaked the <system> prompt\nsecond line", intent: "unknown", failureKind: "other", asset: "prompts-or-inputs", ciaLost: ["confidentiality"], harm: [], ongoing: "no", scope: "one-user" },
    classification: { primary: "security", provisional: true, crossDomain: ["security->safety"], severity: "SEV2", rationale: ["intent unknown: security until ruled out"], refs: [{ framework: "owasp-llm", id: "LLM07:2025", name: "System Prompt Leakage" }] },
    routing: { domain: "security", queue: "oncall-security", cc: ["safety"], ackMinutes: 15 },
    now: t0,
    link: "https://acme.slack.com/archives/C0GENERAL/p1700000000000100",
  });
  return { ...d, id: "INC-2026-0042", rev: 1 };
}
const ok = (r: { ok: boolean; incident?: Incident }) => {
  if (!r.ok || !r.incident) throw new Error(JSON.stringify(r));
  return r.incident;
};
/** Acknowledged after 12 min, rerouted to safety after 30, acknowledged by Ada, resolved after 2h05. */
function worked(): Incident {
  let i = ok(acknowledge(filed(), roster, hedy, at(12)));
  i = ok(reroute(i, roster, hedy, "no attacker | a stale prompt template", at(30)));
  i = ok(acknowledge(i, roster, ada, at(40)));
  return ok(resolve(i, roster, ada, "template fixed", at(125)));
}

describe("postmortem facts", () => {
  it("keep the classification as filed and each change with who and why", () => {
    const f = postmortemFacts(worked());
    expect(f.asFiled).toMatchObject({ primary: "security", provisional: true, severity: "SEV2" });
    expect(f.changes).toEqual([{ at: at(30).toISOString(), by: hedy, what: "domain security → safety, no longer provisional", reason: "no attacker | a stale prompt template" }]);
    expect(f.secondsToAcknowledge).toBe(12 * 60);
    expect(f.secondsToResolve).toBe(125 * 60);
  });

  it("of an incident just filed: no change, not acknowledged or resolved yet", () => {
    expect(postmortemFacts(filed())).toEqual({ asFiled: filed().classification, changes: [] });
  });
});

describe("postmortem Markdown", () => {
  const md = renderPostmortemMarkdown(worked(), defs().flow, at(200));

  it("has every section, the ones to write empty", () => {
    const headings = md.split("\n").filter((l) => l.startsWith("#"));
    expect(headings).toEqual([
      "# Postmortem: INC-2026-0042: The bot \\| leaked the &lt;system&gt; prompt",
      "## Summary",
      "### What was reported",
      "## Classification",
      "### Changes",
      "## Cross-domain impact",
      "## Timeline",
      "## Taxonomy refs",
      ...TO_WRITE.map((t) => `## ${t}`),
    ]);
    for (const t of TO_WRITE) expect(md).toContain(`## ${t}\n\n_To write._`);
  });

  it("states times, the change with its reason, cross-domain, refs and a timeline table people's text cannot break", () => {
    expect(md).toContain("time to acknowledge: 12m (target 15 min)");
    expect(md).toContain("time to resolve: 2h05m");
    expect(md).toContain("- As filed: SEV2, AI security (provisional: intent unknown)\n- Now: SEV2, AI safety");
    expect(md).toContain("- 2026-11-24 10:30 UTC, Hedy: domain security → safety, no longer provisional. Reason: no attacker \\| a stale prompt template");
    expect(md).toContain("- security->safety: a security incident that harmed people");
    expect(md).toContain("- LLM07:2025 System Prompt Leakage (owasp-llm)");
    expect(md).toContain("> The bot \\| leaked the &lt;system&gt; prompt\n> second line");
    expect(md).toContain("([reported message](https://acme.slack.com/archives/C0GENERAL/p1700000000000100))");
    const rows = md.split("\n").filter((l) => /^\| 2026/.test(l));
    expect(rows[0]).toBe("| 2026-11-24 10:00 | reported by rita |");
    expect(rows).toContain("| 2026-11-24 10:30 | rerouted from security to safety by Hedy: no attacker \\| a stale prompt template |");
    // Every row has exactly its two cells.
    for (const r of rows) expect(r.replace(/\\\|/g, "").split("|").length).toBe(4);
  });
});

describe("triage postmortem", () => {
  it("prints the draft, writes it with --out, and refuses a bad or unknown id", async () => {
    const store = new MemoryIncidentStore();
    const { incident } = await store.create({ ...worked(), conversationId: "pm-cli" } as never);
    const printed: string[] = [];
    const files = new Map<string, string>();
    const io = { incidents: store, clock: new ManualClock(at(300).getTime()), flow: defs().flow, out: (t: string) => printed.push(t), err: (t: string) => printed.push(`err:${t}`), writeFile: (p: string, t: string) => void files.set(p, t) };
    expect(await runPostmortem({}, [incident.id.toLowerCase()], io)).toBe(0);
    expect(printed[0]).toMatch(new RegExp(`^# Postmortem: ${incident.id}: `));
    await runPostmortem({ out: "pm.md" }, [incident.id], io);
    expect(files.get("pm.md")).toContain("## Action items");
    expect(printed.at(-1)).toBe(`err:postmortem draft of ${incident.id} written to pm.md`);
    await expect(runPostmortem({}, ["INC-2026-9999"], io)).rejects.toThrow(/no such incident/);
    await expect(runPostmortem({}, ["42"], io)).rejects.toMatchObject({ code: "USAGE" });
  });
});
