// The AI system inventory: the example parses, mistakes are named by file and field, lookups.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseInventory, suggestSystemForChannel, systemById, unknownOwners } from "../../src/domain/inventory.js";

const example = () => parse(readFileSync("config/inventory.example.yaml", "utf8")) as { organisation: string; systems: Array<Record<string, unknown>> };

describe("inventory", () => {
  it("the example parses and its owners are people of the example roster", () => {
    const inv = parseInventory(example(), "config/inventory.example.yaml");
    expect(inv.systems.map((s) => s.id)).toEqual(["support-bot", "cv-screener"]);
    const roster = parse(readFileSync("config/oncall.example.yaml", "utf8")) as { people: Array<{ id: string }> };
    expect(unknownOwners(inv, new Set(roster.people.map((p) => p.id)))).toEqual([]);
  });

  it.each([
    ["a bad role", (d: ReturnType<typeof example>) => (d.systems[0]!.role = "operator"), "field 'systems.0.role'"],
    ["a high-risk system without its Annex III area", (d: ReturnType<typeof example>) => delete d.systems[1]!.annexIII, "field 'systems.1.annexIII': required when riskClass is high"],
    ["an Annex III area on a limited-risk system", (d: ReturnType<typeof example>) => (d.systems[0]!.annexIII = "4-employment"), "field 'systems.0.annexIII'"],
    ["a duplicate id", (d: ReturnType<typeof example>) => (d.systems[1]!.id = "support-bot"), "field 'systems.1.id': duplicate system id 'support-bot'"],
    ["no owners", (d: ReturnType<typeof example>) => (d.systems[0]!.owners = []), "field 'systems.0.owners'"],
    ["an unknown key", (d: ReturnType<typeof example>) => (d.systems[0]!.riskclass = "high"), "field 'systems.0'"],
  ])("names the file and the field for %s", (_what, spoil, message) => {
    const d = example();
    spoil(d);
    expect(() => parseInventory(d, "inv.yaml")).toThrow(/^inv\.yaml: invalid AI system inventory/);
    expect(() => parseInventory(d, "inv.yaml")).toThrow(message);
  });

  it("looks systems up by id and suggests one from a channel only when the channel is not shared", () => {
    const d = example();
    const inv = parseInventory(d, "x");
    expect(systemById(inv, "cv-screener")?.euDatabaseId).toBe("EUDB-HR-000123");
    expect(systemById(inv, "nope")).toBeUndefined();
    expect(suggestSystemForChannel(inv, "slack", "C0SUPPORT")?.id).toBe("support-bot");
    expect(suggestSystemForChannel(inv, "teams", "C0SUPPORT")).toBeUndefined();
    (d.systems[1]!.channels as unknown[]).push({ platform: "slack", id: "C0SUPPORT" });
    expect(suggestSystemForChannel(parseInventory(d, "x"), "slack", "C0SUPPORT")).toBeUndefined();
  });

  it("reports owners missing from the roster", () => {
    const inv = parseInventory(example(), "x");
    expect(unknownOwners(inv, new Set(["ada"]))).toEqual(["support-bot: owner 'grace'", "cv-screener: owner 'alan'"]);
  });
});
