// Jira Cloud REST API v3: one issue per incident (labelled with the incident id, so a create whose
// answer was lost in a crash is found by search instead of made twice), and the move to the configured
// done status when the incident is resolved in chat (and back when it is reopened); edits after filing
// become comments.
import { z } from "zod";
import { clip, type JiraTarget } from "../../domain/outside.js";
import type { Incident } from "../../domain/incident.js";
import { DeliveryError } from "../notifier.js";
import { call, json } from "./http.js";

export interface JiraAccess {
  baseUrl: string;
  email: string;
  apiToken: string;
  timeoutMs: number;
}

const CREDENTIAL = "JIRA_EMAIL and JIRA_API_TOKEN";
/** An issue key such as AIS-42: it goes into links and chat markup, so nothing else is taken. */
const IssueKey = z.string().regex(/^[A-Z][A-Z0-9_]{0,9}-\d{1,9}$/, "an issue key such as AIS-42");
const Created = z.object({ key: IssueKey });
const Found = z.object({ issues: z.array(z.object({ key: IssueKey })) });
const Transitions = z.object({ transitions: z.array(z.object({ id: z.string(), name: z.string(), to: z.object({ name: z.string() }) })) });
const Status = z.object({ fields: z.object({ status: z.object({ name: z.string() }) }) });
const CommentIds = z.object({ comments: z.array(z.object({ id: z.string().regex(/^\d+$/) })) });
const CommentList = z.object({ values: z.array(z.object({ properties: z.array(z.object({ key: z.string(), value: z.unknown() })).optional() })) });
/** The comment property naming the delivery a comment came from. */
const COMMENT_PROPERTY = "ai-incident-triage";

/** Atlassian Document Format: paragraphs of plain text (ADF has no raw markup to escape). */
function adf(paragraphs: string[]) {
  return { type: "doc", version: 1, content: paragraphs.filter(Boolean).map((p) => ({ type: "paragraph", content: [{ type: "text", text: clip(p, 5_000) }] })) };
}

export function jiraIssueFields(incident: Incident, target: JiraTarget, ticketLink?: string) {
  const c = incident.classification;
  return {
    project: { key: target.project },
    issuetype: { name: target.issueType },
    summary: clip(`${c.severity} AI ${c.primary}: ${incident.title} (${incident.id})`, 255),
    labels: ["ai-incident", incident.id],
    description: adf([
      `${incident.id}, ${c.severity}, AI ${c.primary}${c.provisional ? " (provisional)" : ""}, routed to ${incident.routing.queue}.`,
      c.crossDomain.length ? `Cross-domain impact: ${c.crossDomain.join(", ")}.` : "",
      ...c.rationale,
      c.refs.length ? `Refs: ${c.refs.map((r) => `${r.id} ${r.name}`).join("; ")}` : "",
      ticketLink ? `Ticket: ${ticketLink}` : "",
    ]),
  };
}

export class JiraClient {
  constructor(private readonly a: JiraAccess) {}

  browse(key: string): string {
    return `${this.root()}/browse/${encodeURIComponent(key)}`;
  }

  async create(fields: ReturnType<typeof jiraIssueFields>): Promise<string> {
    const res = await this.req("POST", "/rest/api/3/issue", { fields });
    return this.parse(Created, await res.json(), "create issue").key;
  }

  /** The issue already made for `incidentId` in `project` (by its label), if any. */
  async find(project: string, incidentId: string): Promise<string | undefined> {
    const jql = `project = "${project}" AND labels = "${incidentId}" ORDER BY created ASC`;
    const res = await this.req("POST", "/rest/api/3/search/jql", { jql, fields: ["key"], maxResults: 1 });
    return this.parse(Found, await res.json(), "search").issues[0]?.key;
  }

  /** Moves `key` to `status` by the transition that leads there; a no-op when it is there already. `setting`: the roster field naming it. */
  async moveTo(key: string, status: string, setting = "jira.doneStatus"): Promise<"moved" | "already"> {
    const path = `/rest/api/3/issue/${encodeURIComponent(key)}`;
    const same = (s: string) => s.trim().toLowerCase() === status.trim().toLowerCase();
    const current = this.parse(Status, await (await this.req("GET", `${path}?fields=status`)).json(), "issue status").fields.status.name;
    if (same(current)) return "already";
    const { transitions } = this.parse(Transitions, await (await this.req("GET", `${path}/transitions`)).json(), "transitions");
    const t = transitions.find((x) => same(x.to.name));
    if (!t) throw new DeliveryError(`Jira has no transition from "${current}" to "${status}" for ${key} (found: ${transitions.map((x) => x.to.name).join(", ") || "none"}); set ${setting} in the roster`, undefined, true);
    await (await this.req("POST", `${path}/transitions`, { transition: { id: t.id } })).text();
    return "moved";
  }

  /**
   * Adds a comment to `key`, marked with `marker` in a comment property, so a retry after a crash finds
   * the comment it already added (`retry`) instead of adding it twice.
   */
  async comment(key: string, text: string, marker: string, retry: boolean): Promise<"added" | "already"> {
    const path = `/rest/api/3/issue/${encodeURIComponent(key)}/comment`;
    if (retry) {
      // The issue's comments give ids; their properties come only from the comment list (expand=properties).
      const { comments } = this.parse(CommentIds, await (await this.req("GET", `${path}?maxResults=100&orderBy=-created`)).json(), "comments");
      if (comments.length) {
        const { values } = this.parse(CommentList, await (await this.req("POST", "/rest/api/3/comment/list?expand=properties", { ids: comments.map((c) => Number(c.id)) })).json(), "comment list");
        if (values.some((c) => c.properties?.some((p) => p.key === COMMENT_PROPERTY && (p.value as { delivery?: unknown } | null)?.delivery === marker))) return "already";
      }
    }
    await (await this.req("POST", path, { body: adf([text]), properties: [{ key: COMMENT_PROPERTY, value: { delivery: marker } }] })).text();
    return "added";
  }

  private root() {
    return this.a.baseUrl.replace(/\/$/, "");
  }

  private req(method: string, path: string, body?: unknown): Promise<Response> {
    const auth = Buffer.from(`${this.a.email}:${this.a.apiToken}`).toString("base64");
    const headers = { accept: "application/json", authorization: `Basic ${auth}`, ...(body === undefined ? {} : { "content-type": "application/json" }) };
    return call(`${this.root()}${path}`, { method, headers, ...(body === undefined ? {} : { body: json(body) }) }, { service: "Jira", credential: CREDENTIAL, timeoutMs: this.a.timeoutMs });
  }

  private parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
    const r = schema.safeParse(body);
    if (!r.success) throw new DeliveryError(`Jira ${what}: unexpected answer (${r.error.issues[0]?.message ?? "invalid"})`);
    return r.data;
  }
}
