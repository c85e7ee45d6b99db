// `triage export INC-... --format atlas` as a user runs it: a process reading a real Redis store.
import { describe, expect, it } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import { AtlasCaseStudy } from "../../src/exports/atlas-schema.js";
import { RedisIncidentStore } from "../../src/store/redis.js";
import { securityIncident } from "../fixtures/exports/incidents.js";
import { runCli } from "../support/cli.js";
import { uniquePrefix } from "../support/redis.js";
import { withRedis } from "../support/with-redis.js";

const fx = withRedis();

describe("triage export INC-... --format atlas (process)", () => {
  it("prints the preview note, then a case study that passes the schema; nothing else is written", async () => {
    const prefix = uniquePrefix();
    const { id: _id, rev: _rev, ...draft } = securityIncident;
    const { incident } = await new RedisIncidentStore(fx.redis, { prefix }).create(draft as Omit<Incident, "id" | "rev">);
    const r = await runCli(["export", incident.id, "--format", "atlas", "--system", "support-bot"], "", { REDIS_URL: fx.server.url, QUEUE_PREFIX: prefix });
    expect(r.err).toContain("atlas preview only: nothing was sent");
    expect(r.code).toBe(0);
    const [first, ...rest] = r.out.trimEnd().split("\n");
    expect(first).toMatch(/^\/\/ atlas preview only: nothing was sent/);
    const study = AtlasCaseStudy.parse(JSON.parse(rest.join("\n")));
    expect(study.study.procedure.map((s) => s.technique)).toEqual(["AML.T0051", "AML.T0057"]);
    expect(r.out).not.toContain("AKIAIOSFODNN7EXAMPLE");
  });
});
