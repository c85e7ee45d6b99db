// Realistic records for store tests: a draft as the bot files it, and a conversation mid-walk-through.
import { randomUUID } from "node:crypto";
import { emptyState } from "../../src/domain/engine.js";
import { draftIncident, type IncidentDraft } from "../../src/domain/incident.js";
import type { PreTriageRecord } from "../../src/domain/proposals.js";
import type { Domain } from "../../src/domain/vocabulary.js";
import type { Conversation } from "../../src/store/types.js";
import type { JobQueue, TicketJob } from "../../src/tickets/jobs.js";

export const reporter = { platform: "slack" as const, userId: "U0REPORTER", name: "Grace" };

/** What a walk-through records when one suggestion was changed and the others kept. */
export const samplePretriage: PreTriageRecord = {
  proposals: {
    intent: { value: "deliberate", confidence: 0.97, evidence: ["attacker", "uploaded PDF"], chosen: "suspected", accepted: false },
    asset: { value: "prompts-or-inputs", confidence: 1, evidence: ["system prompt"], chosen: "prompts-or-inputs", accepted: true },
    ciaLost: { value: ["confidentiality", "integrity"], confidence: 0.71, evidence: ["leaked"], chosen: ["confidentiality", "integrity"], accepted: true },
    failureKind: { value: "hallucination", confidence: 0.6, evidence: ["invented"], accepted: false },
  },
};

export function makeDraft(overrides: { conversationId?: string; createdAt?: Date; domain?: Domain; pretriage?: PreTriageRecord } = {}): IncidentDraft {
  const domain = overrides.domain ?? "security";
  return draftIncident({
    conversationId: overrides.conversationId ?? `conv-${randomUUID()}`,
    reporter,
    answers: {
      description: domain === "security" ? "Prompt injection in an uploaded PDF made the assistant leak its system prompt" : "The support bot told a customer to double their medication dose",
      intent: domain === "security" ? "deliberate" : "none",
      asset: domain === "security" ? "prompts-or-inputs" : "outputs",
    },
    classification: {
      primary: domain,
      provisional: false,
      crossDomain: [],
      severity: "SEV3",
      rationale: [`${domain} owns it (test fixture).`],
      refs: [],
    },
    routing: { domain, queue: `oncall-${domain}`, cc: [], ackMinutes: 60 },
    now: overrides.createdAt ?? new Date("2026-11-24T09:00:00Z"),
    ...(overrides.pretriage ? { pretriage: overrides.pretriage } : {}),
  });
}

export function makeConversation(overrides: Partial<Conversation> = {}): Conversation {
  const at = "2026-11-24T09:00:00.000Z";
  return {
    id: `conv-${randomUUID()}`,
    key: `slack:T1:${reporter.userId}`,
    user: reporter,
    rev: 0,
    state: { ...emptyState(), answers: { description: "the model leaked a key" }, trail: ["description"] },
    startedAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** A SEV2 security incident with 15 minutes to acknowledge: what the ticket-lifecycle tests file. */
export function jailbreakDraft(now: Date): IncidentDraft {
  return draftIncident({
    conversationId: "c1",
    reporter: { platform: "console", userId: "rita" },
    answers: { description: "jailbreak on the public bot" },
    classification: { primary: "security", provisional: false, crossDomain: [], severity: "SEV2", rationale: [], refs: [] },
    routing: { domain: "security", queue: "oncall-security", cc: [], ackMinutes: 15 },
    now,
  });
}

/** A queue that records the jobs added to it and runs none. */
export function recordingQueue(jobs: TicketJob[] = []): JobQueue {
  return { add: async (_d, job) => void jobs.push(job), failed: async () => [], replay: async () => false, ping: async () => {}, close: async () => {} };
}
