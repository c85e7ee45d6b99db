// A local Jira Cloud (REST API v3): basic auth (401 otherwise), issue create refusing an unknown
// project or issue type and a description that is not Atlassian Document Format (400 with
// errorMessages/errors, as Jira answers), comments (ADF bodies, entity properties), search by JQL on project and label, and a small workflow
// (To Do -> In Progress -> Done) whose transitions must be asked for and taken by id.
import { FakeHttp, type FakeAnswer, type FakeRequest } from "./fake-http.js";

export interface JiraIssueRecord {
  key: string;
  project: string;
  issueType: string;
  summary: string;
  labels: string[];
  description: any;
  status: string;
  comments: Array<{ id: string; body: any; properties: Array<{ key: string; value: unknown }> }>;
}

const WORKFLOW: Record<string, Array<{ id: string; name: string; to: string }>> = {
  "To Do": [{ id: "21", name: "Start progress", to: "In Progress" }, { id: "31", name: "Done", to: "Done" }],
  "In Progress": [{ id: "11", name: "Stop progress", to: "To Do" }, { id: "31", name: "Done", to: "Done" }],
  Done: [{ id: "41", name: "Reopen", to: "To Do" }],
};
const bad = (errors: Record<string, string>, errorMessages: string[] = []): FakeAnswer => ({ status: 400, body: { errorMessages, errors } });

export class FakeJira {
  readonly issues: JiraIssueRecord[] = [];
  private constructor(readonly http: FakeHttp, public email: string, public token: string, private readonly projects: Record<string, string[]>) {}

  /** `projects`: project key -> its issue types. */
  static async start(email: string, token: string, projects: Record<string, string[]>): Promise<FakeJira> {
    let fake: FakeJira | undefined;
    const http = await FakeHttp.start((r) => fake!.handle(r));
    fake = new FakeJira(http, email, token, projects);
    return fake;
  }
  get url() {
    return this.http.url;
  }
  issueFor(label: string) {
    return this.issues.filter((i) => i.labels.includes(label));
  }

  private handle(r: FakeRequest): FakeAnswer {
    const expected = `Basic ${Buffer.from(`${this.email}:${this.token}`).toString("base64")}`;
    if (r.headers.authorization !== expected) return { status: 401, body: { errorMessages: ["Client must be authenticated to access this resource."], errors: {} } };
    if (r.method === "POST" && r.path === "/rest/api/3/issue") return this.create(r.body?.fields ?? {});
    if (r.method === "POST" && r.path === "/rest/api/3/search/jql") return this.search(String(r.body?.jql ?? ""));
    if (r.method === "POST" && r.path === "/rest/api/3/comment/list") return this.commentList(r);
    const c = /^\/rest\/api\/3\/issue\/([A-Z][A-Z0-9_]*-\d+)\/comment$/.exec(r.path);
    if (c) return this.comments(r, c[1]!);
    const m = /^\/rest\/api\/3\/issue\/([A-Z][A-Z0-9_]*-\d+)(\/transitions)?$/.exec(r.path);
    const issue = m ? this.issues.find((i) => i.key === m[1]) : undefined;
    if (m && !issue) return { status: 404, body: { errorMessages: ["Issue does not exist or you do not have permission to see it."], errors: {} } };
    if (issue && !m![2] && r.method === "GET") return { status: 200, body: { key: issue.key, fields: { status: { name: issue.status } } } };
    if (issue && m![2] && r.method === "GET") return { status: 200, body: { transitions: WORKFLOW[issue.status]!.map((t) => ({ id: t.id, name: t.name, to: { name: t.to, statusCategory: { key: t.to === "Done" ? "done" : "new" } } })) } };
    if (issue && m![2] && r.method === "POST") {
      const id = String(r.body?.transition?.id ?? "");
      const t = WORKFLOW[issue.status]!.find((x) => x.id === id);
      if (!t) return bad({}, [`Transition id '${id}' is not valid for this issue.`]);
      issue.status = t.to;
      return { status: 204 };
    }
    return { status: 404, body: { errorMessages: ["Not found"], errors: {} } };
  }

  /**
   * Add comment (body in Atlassian Document Format, optional entity properties) and get comments, which
   * (as in Jira: its expand takes only renderedBody) never carry properties: the comment list does.
   */
  private comments(r: FakeRequest, key: string): FakeAnswer {
    const issue = this.issues.find((i) => i.key === key);
    if (!issue) return { status: 404, body: { errorMessages: ["Issue does not exist or you do not have permission to see it."], errors: {} } };
    if (r.method === "GET") return { status: 200, body: { startAt: 0, maxResults: 100, total: issue.comments.length, comments: issue.comments.map((x) => ({ id: x.id, body: x.body })) } };
    if (r.method !== "POST") return { status: 405, body: { errorMessages: ["Method not allowed"], errors: {} } };
    const b = r.body ?? {};
    if (b.body?.type !== "doc" || b.body?.version !== 1) return bad({ comment: "Comment body must be an Atlassian Document (see the Atlassian Document Format)" });
    if (b.properties !== undefined && (!Array.isArray(b.properties) || b.properties.some((p: any) => typeof p?.key !== "string" || p.key.length > 255))) return bad({ properties: "Invalid entity properties" });
    const comment = { id: String(20000 + issue.comments.length), body: b.body, properties: b.properties ?? [] };
    issue.comments.push(comment);
    return { status: 201, body: { id: comment.id, body: comment.body } };
  }

  /** Get comments by ids (at most 1000): properties with expand=properties. */
  private commentList(r: FakeRequest): FakeAnswer {
    const ids = r.body?.ids;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 1000) return bad({ ids: "Provide between 1 and 1000 comment ids." });
    const expand = (r.query.get("expand") ?? "").split(",").includes("properties");
    const all = this.issues.flatMap((i) => i.comments).filter((c) => ids.map(String).includes(c.id));
    return { status: 200, body: { isLast: true, maxResults: 1000, startAt: 0, total: all.length, values: all.map((x) => ({ id: x.id, body: x.body, ...(expand ? { properties: x.properties } : {}) })) } };
  }

  private create(f: any): FakeAnswer {
    const project = f.project?.key;
    if (!project || !this.projects[project]) return bad({ project: "valid project is required" });
    if (!this.projects[project]!.includes(f.issuetype?.name)) return bad({ issuetype: "Specify a valid issue type" });
    if (typeof f.summary !== "string" || !f.summary.trim()) return bad({ summary: "You must specify a summary of the issue." });
    if (f.summary.length > 255) return bad({ summary: "Summary must be less than 255 characters." });
    if (f.description !== undefined && (f.description?.type !== "doc" || f.description?.version !== 1)) return bad({ description: "Operation value must be an Atlassian Document (see the Atlassian Document Format)" });
    const n = this.issues.filter((i) => i.project === project).length + 1;
    const issue = { key: `${project}-${n}`, project, issueType: f.issuetype.name, summary: f.summary, labels: f.labels ?? [], description: f.description, status: "To Do", comments: [] };
    this.issues.push(issue);
    return { status: 201, body: { id: String(10000 + this.issues.length), key: issue.key, self: `${this.url}/rest/api/3/issue/${10000 + this.issues.length}` } };
  }

  /** Only what the bot asks: project = "X" AND labels = "Y". */
  private search(jql: string): FakeAnswer {
    const project = /project\s*=\s*"?([A-Z][A-Z0-9_]*)"?/.exec(jql)?.[1];
    const label = /labels\s*=\s*"([^"]+)"/.exec(jql)?.[1];
    if (!project || !label) return bad({}, [`Error in the JQL Query: ${jql}`]);
    return { status: 200, body: { issues: this.issues.filter((i) => i.project === project && i.labels.includes(label)).map((i) => ({ id: i.key, key: i.key })) } };
  }

  stop() {
    return this.http.stop();
  }
}
