// A local Opsgenie Alert API: 401 without the right `Authorization: GenieKey ...`, 422 for a create
// without a message (or one over 130 characters), a repeated create for an open alias folded into that
// alert, acknowledge/close by alias, priority (P1..P5) and notes (not empty, 25000 characters at most) by
// alias; every accepted request answers 202 with a requestId, as Opsgenie
// does (it works asynchronously).
import { randomUUID } from "node:crypto";
import { FakeHttp, type FakeAnswer, type FakeRequest } from "./fake-http.js";

export interface OgAlert {
  alias: string;
  message: string;
  priority: string;
  status: "open" | "closed";
  acknowledged: boolean;
  count: number;
  body: any;
  notes: string[];
}

const accepted = (): FakeAnswer => ({ status: 202, body: { result: "Request will be processed", took: 0.1, requestId: randomUUID() } });
const unprocessable = (errors: Record<string, string>): FakeAnswer => ({ status: 422, body: { message: "Request body is not processable. Please check the errors.", errors, took: 0.01, requestId: randomUUID() } });

export class FakeOpsgenie {
  readonly alerts: OgAlert[] = [];
  private constructor(readonly http: FakeHttp, public apiKey: string) {}

  static async start(apiKey: string): Promise<FakeOpsgenie> {
    let fake: FakeOpsgenie | undefined;
    const http = await FakeHttp.start((r) => fake!.handle(r));
    fake = new FakeOpsgenie(http, apiKey);
    return fake;
  }
  get url() {
    return this.http.url;
  }
  alert(alias: string) {
    return this.alerts.find((a) => a.alias === alias);
  }

  private handle(r: FakeRequest): FakeAnswer {
    if (r.headers.authorization !== `GenieKey ${this.apiKey}`) return { status: 401, body: { message: "Could not authenticate", took: 0, requestId: randomUUID() } };
    if (r.method === "POST" && r.path === "/v2/alerts") {
      const b = r.body ?? {};
      if (typeof b.message !== "string" || !b.message.trim()) return unprocessable({ message: "Message can not be empty." });
      if (b.message.length > 130) return unprocessable({ message: "Message can not be longer than 130 characters." });
      if (b.priority !== undefined && !["P1", "P2", "P3", "P4", "P5"].includes(b.priority)) return unprocessable({ priority: "Priority should be one of [P1, P2, P3, P4, P5]" });
      const open = b.alias ? this.alerts.find((a) => a.alias === b.alias && a.status === "open") : undefined;
      if (open) open.count++;
      else this.alerts.push({ alias: b.alias ?? randomUUID(), message: b.message, priority: b.priority ?? "P3", status: "open", acknowledged: false, count: 1, body: b, notes: [] });
      return accepted();
    }
    const m = /^\/v2\/alerts\/([^/]+)\/(acknowledge|close)$/.exec(r.path);
    if (r.method === "POST" && m) {
      // Without identifierType=alias the identifier is read as an alert id: ours would never match.
      if (r.query.get("identifierType") !== "alias") return unprocessable({ identifierType: "identifierType must be alias for an alias" });
      const alert = this.alerts.find((a) => a.alias === decodeURIComponent(m[1]!) && a.status === "open");
      if (alert && m[2] === "acknowledge") alert.acknowledged = true;
      if (alert && m[2] === "close") alert.status = "closed";
      return accepted();
    }
    // Update Alert Priority (PUT) and Add Note (POST): by alias here too; the note is mandatory, 25000 characters at most.
    const edit = /^\/v2\/alerts\/([^/]+)\/(priority|notes)$/.exec(r.path);
    if (edit && ((edit[2] === "priority" && r.method === "PUT") || (edit[2] === "notes" && r.method === "POST"))) {
      if (r.query.get("identifierType") !== "alias") return unprocessable({ identifierType: "identifierType must be alias for an alias" });
      const b = r.body ?? {};
      const alert = this.alerts.findLast((a) => a.alias === decodeURIComponent(edit[1]!));
      if (edit[2] === "priority") {
        if (!["P1", "P2", "P3", "P4", "P5"].includes(b.priority)) return unprocessable({ priority: "Priority should be one of [P1, P2, P3, P4, P5]" });
        if (alert) alert.priority = b.priority;
      } else {
        if (typeof b.note !== "string" || !b.note.trim()) return unprocessable({ note: "Note can not be empty." });
        if (b.note.length > 25_000) return unprocessable({ note: "Note can not be longer than 25000 characters." });
        alert?.notes.push(b.note);
      }
      return accepted();
    }
    return { status: 404, body: { message: "Could not find the requested resource", took: 0, requestId: randomUUID() } };
  }

  stop() {
    return this.http.stop();
  }
}
