// Look-up rules: who sees which incident (the matrix's view-incident and the reporter's own), what each
// list filter keeps, how "show"/"list" are told apart from a report, and `triage show` / `triage list`.
import { describe, expect, it } from "vitest";
import { LIST_MAX, Lookup, listText, parseLookup } from "../../src/bot/lookup.js";
import { ManualClock } from "../../src/clock.js";
import { runLookup } from "../../src/commands/lookup.js";
import { acknowledge, draftIncident, join, resolve, type Actor, type Incident } from "../../src/domain/incident.js";
import { identitiesOf, involves, matchesFilter, mayView } from "../../src/domain/visibility.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import { SAFETY_ANSWERS } from "../support/answers.js";
import { defs } from "../support/defs.js";
import { testRoster } from "../support/roster.js";

const roster = testRoster();
const slack = (userId: string, name?: string): Actor => ({ platform: "slack", userId, ...(name ? { name } : {}) });
const rita = slack("U0RITA", "rita");
const sam = slack("U0SAM", "sam");
const ada = slack("U0ADA"); // safety on call
const hedy = slack("U0HEDY"); // security on call
const radia = slack("U0RADIA"); // incident manager
const maya = slack("U0MAYA"); // manager
const now = new Date("2026-11-24T10:00:00Z");

let seq = 0;
function incident(domain: "safety" | "security", over: { reporter?: Actor; cc?: Array<"safety" | "security">; at?: Date; description?: string } = {}): Incident {
  const d = draftIncident({
    conversationId: `c${seq}`,
    reporter: over.reporter ?? rita,
    answers: { ...SAFETY_ANSWERS, description: over.description ?? `incident number ${seq}` },
    classification: { primary: domain, provisional: false, crossDomain: [], severity: "SEV3", rationale: ["because"], refs: [] },
    routing: { domain, queue: `oncall-${domain}`, cc: over.cc ?? [], ackMinutes: 60 },
    now: over.at ?? now,
  });
  seq++;
  return { ...d, id: `INC-2026-${String(seq).padStart(4, "0")}`, rev: 1 };
}
const ok = <T extends { ok: boolean }>(r: T) => {
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r as Extract<T, { ok: true }>;
};

describe("who may see an incident", () => {
  it("its reporter, its domain's on-call, incident managers and managers; not the other domain's on-call or a stranger", () => {
    const i = incident("safety");
    const seen = Object.fromEntries(Object.entries({ rita, sam, ada, hedy, radia, maya }).map(([k, a]) => [k, mayView(roster, a, i)]));
    expect(seen).toEqual({ rita: true, sam: false, ada: true, hedy: false, radia: true, maya: true });
  });

  it("the copied domain's on-call too, and anyone whose report joined it", () => {
    const cross = incident("safety", { cc: ["security"] });
    expect(mayView(roster, hedy, cross)).toBe(true);
    const joined = ok(join(incident("safety"), sam, "same here", now)).incident;
    expect(mayView(roster, sam, joined)).toBe(true);
    // The same user id on another platform is someone else.
    expect(mayView(roster, { platform: "teams", userId: "U0RITA" }, incident("safety"))).toBe(false);
  });

  it("'mine' means reported, joined, assigned or acted on", () => {
    const adaPerson = roster.people.find((p) => p.id === "ada")!;
    const acked = ok(acknowledge(incident("safety"), roster, ada, now)).incident;
    expect(involves(acked, ada, adaPerson)).toBe(true);
    expect(involves(acked, undefined, adaPerson)).toBe(true); // the CLI's --person: assignee
    expect(involves(incident("safety"), ada, adaPerson)).toBe(false);
    expect(involves(incident("safety"), rita, undefined)).toBe(true);
    const byTeams = ok(resolve(incident("safety"), roster, { platform: "teams", userId: "aad-ada" }, "fixed it", now)).incident;
    expect(involves(byTeams, undefined, adaPerson)).toBe(true); // acted on from Teams, looked up as the person
    expect(identitiesOf(adaPerson).map((a) => a.platform)).toEqual(["console", "slack", "teams"]);
    expect(matchesFilter(ok(resolve(incident("safety"), roster, ada, "done", now)).incident, "open", ada, adaPerson)).toBe(false);
    expect(matchesFilter(incident("security"), "safety", ada, adaPerson)).toBe(false);
  });
});

describe("parseLookup", () => {
  it("reads show and list, and leaves reports alone", () => {
    expect(parseLookup("show inc-2026-0042")).toEqual({ kind: "show", id: "INC-2026-0042" });
    expect(parseLookup("list")).toEqual({ kind: "list", filter: "open" });
    expect(parseLookup("LIST Mine")).toEqual({ kind: "list", filter: "mine" });
    expect(parseLookup("show 42")).toEqual({ error: expect.stringContaining("'42' is not an incident id") });
    expect(parseLookup("list everything")).toEqual({ error: expect.stringContaining("'everything' is not a list filter") });
    expect(parseLookup("show me how the bot leaked the prompt")).toBeUndefined();
    expect(parseLookup("listing of customers leaked")).toBeUndefined();
    expect(parseLookup("")).toBeUndefined();
  });
});

describe("Lookup over a store", () => {
  async function seeded() {
    const store = new MemoryIncidentStore();
    const clock = new ManualClock(now.getTime());
    const create = async (domain: "safety" | "security", reporter: Actor, at: Date) =>
      (await store.create({ ...incident(domain, { reporter, at }), conversationId: `conv-${seq}` })).incident;
    const old = await create("safety", rita, new Date(now.getTime() - 40 * 86_400_000)); // open, 40 days old
    const sec = await create("security", sam, new Date(now.getTime() - 3600_000));
    const done = await create("safety", sam, new Date(now.getTime() - 2 * 86_400_000));
    await store.update(done.id, (i) => ok(resolve(i, roster, ada, "fixed", now)).incident);
    const lookup = new Lookup({ incidents: store, roster, clock, flow: defs().flow });
    return { store, clock, lookup, old, sec, done };
  }

  it("shows an incident to who may see it, and says the same for 'not yours' and 'no such id'", async () => {
    const { lookup, old } = await seeded();
    const shown = ok(await lookup.show({ actor: rita }, old.id));
    expect(shown.kind).toBe("show");
    const refused = await lookup.show({ actor: sam }, old.id);
    const missing = await lookup.show({ actor: sam }, "INC-2026-9999");
    expect(refused).toEqual({ ok: false, message: expect.stringContaining(`I cannot show you ${old.id}`) });
    expect((missing as { message: string }).message.replace("9999", "x")).toBe((refused as { message: string }).message.replace(old.id.slice(-4), "x"));
  });

  it("lists open incidents of any age, newest first, only those the person may see", async () => {
    const { lookup, old, sec } = await seeded();
    const forRadia = ok(await lookup.list({ actor: radia }, "open"));
    expect(forRadia.kind === "list" && forRadia.list.ids).toEqual([sec.id, old.id]);
    const forAda = ok(await lookup.list({ actor: ada }, "open"));
    expect(forAda.kind === "list" && forAda.list.ids).toEqual([old.id]);
    const forSam = ok(await lookup.list({ actor: sam }, "mine"));
    // Sam reported the security one and the resolved one (resolved 2 days ago: still in "mine").
    expect(forSam.kind === "list" && forSam.list.ids.length).toBe(2);
    const stranger = ok(await lookup.list({ actor: slack("U0NOBODY") }, "open"));
    expect(stranger.kind === "list" && listText(stranger.list)).toContain("No open incidents you can see.");
  });

  it("keeps a list short and says how many were left out", async () => {
    const { store, lookup } = await seeded();
    for (let k = 0; k < LIST_MAX + 3; k++) await store.create({ ...incident("security", { at: new Date(now.getTime() - k * 1000) }), conversationId: `many-${k}` });
    const out = ok(await lookup.list({ actor: maya }, "security"));
    if (out.kind !== "list") throw new Error("not a list");
    expect(out.list.rows).toHaveLength(LIST_MAX);
    expect(out.list.more).toBe(4);
    expect(listText(out.list)).toMatch(/^AI security incidents \(24\)[\s\S]*…and 4 more/);
  });

  it("show carries the evidence behind each suggestion the reporter accepted", async () => {
    const { store, lookup } = await seeded();
    const base = incident("safety");
    const { incident: withPre } = await store.create({
      ...base,
      conversationId: "with-pretriage",
      pretriage: { proposals: { failureKind: { value: "harmful-output", confidence: 0.91, evidence: ["double their dose"], chosen: "harmful-output", accepted: true }, asset: { value: "model", confidence: 0.7, evidence: ["the model"], chosen: "outputs", accepted: false } } },
    });
    const out = ok(await lookup.show({ actor: rita }, withPre.id));
    if (out.kind !== "show") throw new Error("not shown");
    expect(out.detail.sections.find((x) => x.title === "Accepted suggestions")?.lines).toEqual(['Failure kind: harmful-output (suggested at 91% from "double their dose")']);
  });

  it("triage show / list print for the operator, and refuse bad arguments with a usage error", async () => {
    const { store, clock, old } = await seeded();
    const printed: string[] = [];
    const io = { incidents: store, clock, roster, flow: defs().flow, out: (t: string) => printed.push(t) };
    expect(await runLookup("show", {}, [old.id], io)).toBe(0);
    expect(printed.at(-1)).toMatch(new RegExp(`^SEV3 · AI safety · ${old.id}\\nTitle: incident number`));
    expect(printed.at(-1)).toContain("Timeline:\n  - 2026-10-15 10:00 UTC reported by rita");
    expect(printed.at(-1)).not.toContain("Accepted suggestions:"); // nothing was suggested for this one
    await runLookup("list", { person: "ada" }, ["mine"], io);
    expect(printed.at(-1)).toMatch(/^Your incidents \(1\)/);
    await expect(runLookup("list", {}, ["mine"], io)).rejects.toThrow(/list mine needs --person/);
    await expect(runLookup("show", {}, ["INC-2026-9999"], io)).rejects.toThrow(/no such incident/);
    await expect(runLookup("show", {}, ["nope"], io)).rejects.toMatchObject({ code: "USAGE" });
    await expect(runLookup("list", { person: "nobody" }, [], io)).rejects.toThrow(/not in the roster/);
  });
});
