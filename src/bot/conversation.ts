// The platform-neutral conversation: a Turn comes in from any adapter, Replies go out. State lives in
// the ConversationStore (never in this process), so any web process can take the next step.
import { randomUUID } from "node:crypto";
import type { Clock } from "../clock.js";
import { classify } from "../domain/classify.js";
import * as engine from "../domain/engine.js";
import { draftIncident, type Actor, type Incident } from "../domain/incident.js";
import { preTriage, type SignalModel } from "../domain/pretriage.js";
import type { Flow, Question } from "../domain/flow.js";
import type { RefCatalog } from "../domain/refs.js";
import { route } from "../domain/route.js";
import type { Roster } from "../domain/roster.js";
import { coreOf } from "../domain/vocabulary.js";
import type { Conversation, ConversationStore, IncidentStore } from "../store/types.js";
import { notice, type Reply, type SuggestionView } from "./reply.js";

export type Input =
  | { kind: "start"; text?: string; link?: string }
  | { kind: "answer"; questionId: string; value: unknown; rev?: number }
  | { kind: "confirm-inferred"; accept: boolean; rev?: number }
  | { kind: "text"; text: string }
  | { kind: "back"; rev?: number }
  | { kind: "cancel"; rev?: number };

export interface Turn {
  user: Actor;
  /** one walk-through per key at a time, e.g. "slack:T123:U456". */
  key: string;
  input: Input;
}

/** Hands a filed incident to the on-call queues (idempotent per incident and routing). */
export interface TicketDispatcher {
  dispatch(incident: Incident): Promise<void>;
}

export interface BotDeps {
  flow: Flow;
  refs: RefCatalog;
  signals: SignalModel;
  roster: Roster;
  conversations: ConversationStore;
  incidents: IncidentStore;
  tickets: TicketDispatcher;
  clock: Clock;
}

const MAX_CAS_RETRIES = 3;

export class TriageBot {
  constructor(private readonly d: BotDeps) {}

  async handle(turn: Turn): Promise<Reply[]> {
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      const current = await this.d.conversations.get(turn.key);
      const outcome = await this.step(turn, current);
      if (!outcome.save) return outcome.replies;
      const saved =
        outcome.save === "delete"
          ? await this.d.conversations.delete(turn.key, current?.rev)
          : await this.d.conversations.put(outcome.save, current?.rev);
      if (saved) return outcome.replies;
      // Another process moved this conversation on first: re-read and judge the turn again (it may
      // now be stale, which is what a double click should produce).
    }
    return [notice("This triage is being updated from somewhere else right now; please try again.", "warning")];
  }

  private async step(turn: Turn, conv: Conversation | undefined): Promise<{ replies: Reply[]; save?: Conversation | "delete" }> {
    const { input } = turn;
    if (input.kind === "start") return this.start(turn, conv, input);
    if (!conv) {
      return { replies: [notice("There is no triage in progress (it may have expired). Start a new one to report an incident.", "warning")] };
    }
    if ("rev" in input && input.rev !== undefined && input.rev !== conv.rev) {
      return { replies: [notice("That question was already answered or has moved on; nothing was changed. Use the latest message.", "warning")] };
    }
    if (conv.incidentId) {
      if (input.kind === "answer" || input.kind === "text") return { replies: await this.result(conv.incidentId) };
      if (input.kind === "cancel") return { replies: [notice(`${conv.incidentId} is already filed; nothing to cancel.`)] };
    }
    switch (input.kind) {
      case "cancel":
        return { replies: [notice("Triage cancelled. Nothing was filed.")], save: "delete" };
      case "back": {
        const state = engine.back(this.d.flow, conv.state);
        if (state === conv.state) return { replies: [notice("This is the first question; there is nothing to go back to."), ...this.ask(conv)] };
        return this.advance(conv, state);
      }
      case "confirm-inferred": {
        const r = engine.decideInferred(this.d.flow, conv.state, input.accept);
        return r.ok ? this.advance(conv, r.state) : { replies: [notice(r.error, "warning"), ...this.ask(conv)] };
      }
      case "text":
        return this.answerText(conv, input.text);
      case "answer":
        return this.answer(conv, input.questionId, input.value);
    }
  }

  private async start(turn: Turn, conv: Conversation | undefined, input: { text?: string; link?: string }) {
    if (conv && !conv.incidentId) {
      return {
        replies: [notice("You already have a triage in progress; continuing it. Cancel it to start over."), ...this.ask(conv)],
      };
    }
    const now = this.d.clock.now().toISOString();
    const fresh: Conversation = {
      id: `${turn.key}:${randomUUID()}`,
      key: turn.key,
      user: turn.user,
      rev: (conv?.rev ?? 0) + 1,
      state: engine.emptyState(),
      startedAt: now,
      updatedAt: now,
      ...(input.link ? { link: input.link } : {}),
    };
    const text = input.text?.trim();
    if (text) {
      const r = engine.answer(this.d.flow, fresh.state, "description", text);
      if (r.ok) return this.advance(fresh, this.withSuggestions(r.state, text));
      return { replies: [notice(r.error, "warning"), ...this.ask(fresh)], save: fresh };
    }
    return { replies: this.ask(fresh), save: fresh };
  }

  private async answer(conv: Conversation, questionId: string, value: unknown) {
    const r = engine.answer(this.d.flow, conv.state, questionId, value);
    if (!r.ok) return { replies: [notice(r.error, "warning"), ...this.ask(conv)] };
    const state = questionId === "description" ? this.withSuggestions(r.state, String(r.state.answers.description)) : r.state;
    return this.advance(conv, state);
  }

  /** Typed text answers the current question: free text as is, choices by value or label. */
  private async answerText(conv: Conversation, text: string) {
    const step = engine.nextStep(this.d.flow, conv.state);
    if (step.kind === "confirm-inferred") {
      const yes = /^(y|yes|ok|confirm|correct)$/i.test(text.trim());
      const no = /^(n|no|review)$/i.test(text.trim());
      if (yes || no) return this.step({ key: conv.key, user: conv.user, input: { kind: "confirm-inferred", accept: yes } }, conv);
      return { replies: [notice("Please answer yes to accept the suggested answers or no to review them one by one.", "warning"), ...this.ask(conv)] };
    }
    if (step.kind !== "question") return { replies: this.ask(conv) };
    const q = step.question;
    return this.answer(conv, q.id, q.kind === "text" ? text : parseChoice(q, text));
  }

  private withSuggestions(state: engine.FlowState, description: string): engine.FlowState {
    return engine.suggest(this.d.flow, state, preTriage(description, this.d.signals).inferred);
  }

  /** Saves the new state; when the flow is complete, files the incident and dispatches its ticket. */
  private async advance(conv: Conversation, state: engine.FlowState) {
    const next: Conversation = { ...conv, state, rev: conv.rev + 1, updatedAt: this.d.clock.now().toISOString() };
    if (engine.nextStep(this.d.flow, state).kind !== "done") return { replies: this.ask(next), save: next };
    const incident = await this.file(next);
    return { replies: [{ kind: "triage-result" as const, incident, duplicate: false }], save: { ...next, incidentId: incident.id } };
  }

  private async file(conv: Conversation): Promise<Incident> {
    const answers = coreOf(conv.state.answers);
    const classification = classify(answers, this.d.flow, this.d.refs);
    const routing = route(classification, this.d.roster);
    const draft = draftIncident({
      conversationId: conv.id,
      reporter: conv.user,
      answers: conv.state.answers,
      classification,
      routing,
      now: this.d.clock.now(),
      ...(conv.link ? { link: conv.link } : {}),
    });
    // Idempotent on the conversation id: a retried or double-clicked last answer files once, and
    // dispatching again is harmless because the delivery job id is derived from the incident.
    const { incident } = await this.d.incidents.create(draft);
    await this.d.tickets.dispatch(incident);
    return incident;
  }

  /** What a finished conversation answers to a late or repeated answer: the incident it filed. */
  private async result(incidentId: string): Promise<Reply[]> {
    const incident = await this.d.incidents.get(incidentId);
    if (!incident) return [notice(`${incidentId} was filed.`)];
    return [{ kind: "triage-result", incident, duplicate: true }];
  }

  /** The reply that asks the current step of a conversation. */
  ask(conv: Conversation): Reply[] {
    const step = engine.nextStep(this.d.flow, conv.state);
    const ref = { conversationId: conv.id, rev: conv.rev };
    const canBack = conv.state.trail.length > 0;
    const progress = step.kind === "done" ? { index: 0, total: 0 } : { index: step.index, total: step.total };
    if (step.kind === "done") return [];
    if (step.kind === "confirm-inferred") {
      const items = step.items.map(({ question, suggestion }) => ({ questionId: question.id, prompt: question.prompt, ...view(question, suggestion) }));
      return [{ kind: "confirm-inferred", ...ref, items, progress, canBack }];
    }
    const q = step.question;
    const base = { ...ref, questionId: q.id, prompt: q.prompt, ...(q.help ? { help: q.help } : {}), progress, canBack };
    if (q.kind === "text") return [{ kind: "text-prompt", ...base, maxLength: q.maxLength }];
    return [
      {
        kind: "question",
        ...base,
        options: q.options.map((o) => ({ value: o.value, label: o.label, ...(o.hint ? { hint: o.hint } : {}) })),
        multi: q.kind === "many",
        ...(q.kind === "many" && q.noneLabel ? { noneLabel: q.noneLabel } : {}),
        ...(step.suggestion ? { suggestion: view(q, step.suggestion) } : {}),
      },
    ];
  }
}

function view(q: Question, s: engine.Suggestion): SuggestionView {
  const values = [s.value].flat();
  const labels = q.kind === "text" ? values : values.map((v) => q.options.find((o) => o.value === v)?.label ?? v);
  return { value: s.value, labels, confidence: s.confidence, evidence: s.evidence };
}

/** Matches typed text to options: by value or label (case-insensitive); comma-separated for many. */
export function parseChoice(q: Question, text: string): string | string[] {
  if (q.kind === "text") return text;
  const find = (t: string) => {
    const k = t.trim().toLowerCase();
    return q.options.find((o) => o.value === k || o.label.toLowerCase() === k)?.value ?? t.trim();
  };
  if (q.kind === "one") return find(text);
  const t = text.trim().toLowerCase();
  if (t === "" || t === "none" || (q.noneLabel && t === q.noneLabel.toLowerCase())) return [];
  return text.split(",").map(find);
}
