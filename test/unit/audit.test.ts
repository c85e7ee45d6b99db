// The dependency gate's reading of `npm audit --json`: what blocks a build and what only warns.
import { describe, expect, it } from "vitest";
import { auditUnavailable, classifyAudit } from "../../scripts/audit.js";

describe("scripts/audit.ts", () => {
  it("blocks high and critical advisories that have a fix; notes the rest", () => {
    const report = {
      auditReportVersion: 2,
      vulnerabilities: {
        axios: { name: "axios", severity: "high", fixAvailable: true, via: [{ title: "SSRF via absolute URL" }] },
        "path-to-regexp": { name: "path-to-regexp", severity: "critical", fixAvailable: { name: "@slack/bolt", version: "5.2.0", isSemVerMajor: false }, via: ["express"] },
        undici: { name: "undici", severity: "high", fixAvailable: false, via: [{ title: "no fix yet" }] },
        uuid: { name: "uuid", severity: "moderate", fixAvailable: true, via: [{ title: "moderate thing" }] },
      },
    };
    const { blocking, other } = classifyAudit(report);
    expect(blocking.map((f) => [f.name, f.fix])).toEqual([
      ["axios", "npm audit fix"],
      ["path-to-regexp", "upgrade @slack/bolt@5.2.0"],
    ]);
    expect(other.map((f) => f.name)).toEqual(["undici", "uuid"]);
    expect(auditUnavailable(report)).toBeUndefined();
  });

  it("treats registry and network errors as 'could not run', never as a pass or a failure of the code", () => {
    expect(auditUnavailable({ message: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk" })).toMatch(/405/);
    expect(auditUnavailable({ error: { code: "ENOTFOUND", summary: "request to registry failed" } })).toBe("ENOTFOUND: request to registry failed");
    expect(auditUnavailable({})).toMatch(/no vulnerabilities section/);
  });
});
