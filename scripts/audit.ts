// Dependency gate for CI: `npx tsx scripts/audit.ts`.
//  1. `npm audit --omit=dev --json`: fails on a high or critical advisory in a production dependency
//     that has a fix available (one without a fix is printed, not fatal: nothing to upgrade to yet).
//     No network, a registry without the audit endpoint, or any other audit error prints a warning
//     and passes: an outage elsewhere must not block a build.
//  2. Packages that run code when installed (preinstall / install / postinstall): each must be in
//     REVIEWED with the reason it is acceptable; a new one fails until someone has looked at it.
// Exit codes: 0 pass (possibly with warnings), 1 findings.
import { spawnSync } from "node:child_process";

/** Install scripts someone read, and why they are acceptable. */
export const REVIEWED: Record<string, string> = {
  esbuild:
    "postinstall checks the @esbuild/<platform> binary; only if that optional package is missing does it download it from registry.npmjs.org (tsx needs it)",
  "msgpackr-extract":
    "install loads a prebuilt binary from @msgpackr-extract/<platform>; without one it runs node-gyp, which may fetch Node headers. Optional: msgpackr (BullMQ) works without it",
};

export interface Finding {
  name: string;
  severity: string;
  fix: string;
  title: string;
}

interface AuditReport {
  vulnerabilities?: Record<string, { name?: string; severity?: string; fixAvailable?: boolean | { name?: string; version?: string; isSemVerMajor?: boolean }; via?: unknown[] }>;
  error?: unknown;
  message?: string;
}

/** Splits an `npm audit --json` report (v2) into blocking findings and the rest. */
export function classifyAudit(report: AuditReport): { blocking: Finding[]; other: Finding[] } {
  const blocking: Finding[] = [];
  const other: Finding[] = [];
  for (const [key, v] of Object.entries(report.vulnerabilities ?? {})) {
    const severity = v.severity ?? "unknown";
    const fix = v.fixAvailable === true ? "npm audit fix" : v.fixAvailable ? `upgrade ${v.fixAvailable.name}@${v.fixAvailable.version}${v.fixAvailable.isSemVerMajor ? " (major)" : ""}` : "";
    const advisory = (v.via ?? []).find((x): x is { title: string } => typeof x === "object" && x !== null && typeof (x as { title?: unknown }).title === "string");
    const f = { name: v.name ?? key, severity, fix, title: advisory?.title ?? "(via another package)" };
    ((severity === "high" || severity === "critical") && fix ? blocking : other).push(f);
  }
  return { blocking, other };
}

/** The audit could not run (offline, registry error): npm prints `{ error }` or `{ message, statusCode }`. */
export function auditUnavailable(report: AuditReport): string | undefined {
  if (report.vulnerabilities) return undefined;
  const e = report.error as { summary?: string; code?: string } | undefined;
  return [report.message, e?.code, e?.summary].filter(Boolean).join(": ") || "no vulnerabilities section in npm's answer";
}

function audit(): number {
  const run = spawnSync("npm", ["audit", "--omit=dev", "--json"], { encoding: "utf8", timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  let report: AuditReport;
  try {
    report = JSON.parse(run.stdout || "{}") as AuditReport;
  } catch {
    console.warn(`audit: WARNING npm audit gave no JSON (${run.error?.message ?? `exit ${run.status}`}); skipped`);
    return 0;
  }
  const unavailable = auditUnavailable(report);
  if (unavailable) {
    console.warn(`audit: WARNING npm audit could not run (${unavailable}); skipped`);
    return 0;
  }
  const { blocking, other } = classifyAudit(report);
  for (const f of other) console.log(`audit: note ${f.severity} ${f.name}: ${f.title}${f.fix ? ` (fix: ${f.fix})` : " (no fix yet)"}`);
  for (const f of blocking) console.error(`audit: FAIL ${f.severity} ${f.name}: ${f.title} (fix: ${f.fix})`);
  console.log(`audit: ${blocking.length} blocking, ${other.length} other advisories in production dependencies`);
  return blocking.length ? 1 : 0;
}

function installScripts(): number {
  const found = new Map<string, string>();
  for (const hook of ["preinstall", "install", "postinstall"]) {
    const q = spawnSync("npm", ["query", `:attr(scripts, [${hook}])`], { encoding: "utf8", timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    let pkgs: Array<{ name: string; version: string; scripts?: Record<string, string> }>;
    try {
      pkgs = JSON.parse(q.stdout || "[]");
    } catch {
      console.warn(`audit: WARNING npm query for ${hook} scripts failed; skipped`);
      continue;
    }
    for (const p of pkgs) found.set(`${p.name}@${p.version} ${hook}`, p.scripts?.[hook] ?? "");
  }
  let unreviewed = 0;
  for (const [what, script] of found) {
    const name = what.slice(0, what.lastIndexOf("@"));
    if (REVIEWED[name]) console.log(`audit: install script ${what} (reviewed: ${REVIEWED[name]})`);
    else {
      unreviewed++;
      console.error(`audit: FAIL unreviewed install script ${what}: ${script} (read it, then add it to REVIEWED in scripts/audit.ts)`);
    }
  }
  return unreviewed ? 1 : 0;
}

if (process.argv[1] && /[\\/]audit\.[tj]s$/.test(process.argv[1])) {
  process.exitCode = Math.max(audit(), installScripts());
}
