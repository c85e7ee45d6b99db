// An AI Incident Database submission (a new incident, with its first report). AIID records public
// reports: it requires a public URL, which we never invent from the chat link (internal, and it would
// leak a workspace). The form's fields and limits are those of its yup schema, re-expressed in zod:
// responsible-ai-collaborative/aiid site/gatsby-site/src/components/submissions/schemas.js
// (`incidentSchema`), file last changed at commit bd9953a9c38e3f6b00533188ef30ec5f17833e5c, read at
// commit 638678f2a065b264df21b5003a9bdd6c04b11f56 (2026-05-14); `language` from the GraphQL
// Submission type (site/gatsby-site/server/types/submission.ts, same commit).
import { z } from "zod";
import { answerOf, answersOf, clean, dateOf, descriptionOf, systemLabel, type ExportInput, type ExportResult } from "./input.js";

export const AIID_SOURCE = {
  repo: "responsible-ai-collaborative/aiid",
  path: "site/gatsby-site/src/components/submissions/schemas.js",
  commit: "638678f2a065b264df21b5003a9bdd6c04b11f56",
} as const;

const Name = z.string().min(3).max(200);
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD");

export const AiidSubmission = z.strictObject({
  title: z.string().min(6).max(500),
  text: z.string().min(80).max(50_000),
  url: z.url(),
  date_published: Day,
  date_downloaded: Day,
  authors: z.array(Name).min(1),
  submitters: z.array(Name),
  language: z.string().min(2),
  incident_title: z.string().min(6).max(500),
  description: z.string().min(3).max(500),
  incident_date: Day,
  developers: z.array(Name),
  deployers: z.array(Name),
  harmed_parties: z.array(Name),
  implicated_systems: z.array(Name).optional(),
});
export type AiidSubmission = z.infer<typeof AiidSubmission>;

const HARMED: Record<string, string> = {
  "one-user": "a user of the system",
  "some-users": "some users of the system",
  "many-users": "many users of the system",
};

/** The text of the report: the description, then what the triage found (the AIID wants 80+ characters). */
function textOf(input: ExportInput): string {
  const i = input.incident;
  const c = i.classification;
  const kind = answerOf(i, c.primary === "security" ? "attackKind" : "failureKind");
  const facts = [
    `Triaged as AI ${c.primary}${c.provisional ? " (provisional: intent not established)" : ""}, ${c.severity}.`,
    kind ? `Kind: ${kind}.` : "",
    answersOf(i, "harm").length ? `Harm: ${answersOf(i, "harm").join(", ")}.` : "",
    c.crossDomain.length ? `Also reaches: ${c.crossDomain.join(", ")}.` : "",
  ].filter(Boolean);
  return `${descriptionOf(i)}\n\n${facts.join(" ")}`;
}

export function aiidSubmission(input: ExportInput): ExportResult<AiidSubmission> {
  const i = input.incident;
  if (!input.url) {
    return { ok: false, code: "NEEDS_URL", message: `the AI Incident Database takes public reports: give --url with a public article or statement about ${i.id} (the chat link is internal and is never used)` };
  }
  const text = textOf(input);
  if (text.length < 80) return { ok: false, code: "TOO_SHORT", message: `${i.id}: the AIID wants a text of at least 80 characters; this one has ${text.length}` };
  const org = clean(input.organisation);
  const s = input.system;
  const description = descriptionOf(i);
  const record = AiidSubmission.parse({
    title: clean(i.title).padEnd(6, "."),
    text: text.slice(0, 50_000),
    url: input.url,
    date_published: dateOf(input.now.toISOString()),
    date_downloaded: dateOf(input.now.toISOString()),
    authors: [org],
    submitters: [org],
    language: "en",
    incident_title: clean(i.title).padEnd(6, "."),
    description: description.length > 500 ? `${description.slice(0, 499)}…` : description,
    incident_date: dateOf(i.createdAt),
    developers: s?.developer ? [clean(s.developer)] : s?.role === "provider" ? [org] : [],
    deployers: [org],
    harmed_parties: [HARMED[answerOf(i, "scope") ?? ""] ?? "users of the system"],
    ...(s ? { implicated_systems: [systemLabel(s)] } : {}),
  });
  return { ok: true, record };
}
