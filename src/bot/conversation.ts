// The platform-neutral conversation: a Turn comes in from any adapter, Replies go out. State lives in
// the ConversationStore (never in this process), so any web process can take the next step.
import { highRiskSuggestion, suggestSystemFromText, type Inventory } from "../domain/inventory.js";
import { randomUUID } from "node:crypto";
import { authorize, sameActor } from "../domain/authz.js";
import * as engine from "../domain/engine.js";
import type { Actor, Incident } from "../domain/incident.js";
import { person, type Roster } from "../domain/roster.js";
import type { SignalModel } from "../domain/pretriage.js";
import type { CompiledIntentModel } from "../domain/intent-model.js";
import type { Question } from "../domain/flow.js";
import { offlineReader, type ReadDescription } from "../pretriage/read-description.js";
import type { Conversation, ConversationStore } from "../store/types.js";
import { Filing, type FilingDeps, type TicketDispatcher } from "./filing.js";
import { cleanText, redactionNotice, textLimit, withNotes } from "./intake.js";
import { keepFirst } from "./long-text.js";
import { notice, type Reply, type SuggestionView } from "./reply.js";

export type { TicketDispatcher };

export type Input =
  | { kind: "start"; text?: string; link?: string }
  | { kind: "answer"; questionId: string; value: unknown; rev?: number }
  /** the suggested answers: keep all still waiting, keep one, or change one (asks only that question). */
  | ({ kind: "confirm-inferred"; rev?: number } & engine.InferredDecision)
  | { kind: "text"; text: string }
  | { kind: "back"; rev?: number }
  | { kind: "cancel"; rev?: number }
  /** join the open incident the bot found this report duplicates, instead of filing a new one. */
  | { kind: "join"; incidentId: string; rev?: number }
  /** file a new incident although it looked like a duplicate. */
  | { kind: "file-new"; rev?: number };

export interface Turn {
  user: Actor;
  /**
   * one walk-through per key at a time: "<platform>:<workspace>:<user>" (e.g. "slack:T123:U456"), or
   * "console:<user>". The workspace part is what per-workspace abuse limits count.
   */
  key: string;
  input: Input;
  /** the walk-through a clicked message belongs to; a click from an older one changes nothing. */
  conversationId?: string;
}

/** What the conversation needs on top of what filing needs: the signal model and the conversations. */
export interface BotDeps extends FilingDeps {
  signals: SignalModel;
  /** the calibrated intent reader; without it no intent is proposed */
  intent?: CompiledIntentModel;
  conversations: ConversationStore;
  /** reads the description into suggestions; the offline model alone when not given (or no LLM is configured). */
  readDescription?: ReadDescription;
  /** the AI system inventory: a description naming one system gets the high-risk answer suggested from it. */
  inventory?: Inventory;
  /**
   * Is a ticket worker running? Without one a filed ticket waits in the queue, and the reporter must
   * not be told the on-call was notified. Not given: assumed running (tests, one-off tools).
   */
  workersAlive?: () => Promise<boolean>;
}

const MAX_CAS_RETRIES = 3;
const JOIN = /^(1|j|join|join it|yes|y)$/i;
const FILE_NEW = /^(2|n|new|file|file new|file a new one|no)$/i;

export class TriageBot {
  private readonly filing: Filing;

  constructor(private readonly d: BotDeps) {
    this.filing = new Filing(d);
  }

  async handle(turn: Turn): Promise<Reply[]> {
    return (await this.handleTurn(turn)).replies;
  }

  /** Like handle(), and says whether the walk-through moved on (adapters update the clicked message then). */
  async handleTurn(turn: Turn): Promise<{ replies: Reply[]; moved: boolean }> {
    // Typed text over the limit is cut here, for every platform, and the reporter is told.
    const long = keepFirst(turn.input);
    const result = await this.runTurn({ ...turn, input: long.input });
    return long.notice && result.moved ? { ...result, replies: [long.notice, ...result.replies] } : result;
  }

  /**
   * What a step that was already saved answers, read back from the stored state: the current question,
   * or the incident once filed. For a queued step run again after its worker died between saving the
   * step and answering it (src/turns/worker.ts). `afterRev`: the rev the clicked message showed; the
   * saved step is this one's only if the conversation is exactly one revision past it. Undefined when
   * the stored state cannot tell.
   */
  async resume(turn: Turn): Promise<{ replies: Reply[]; moved: boolean } | undefined> {
    const conv = await this.d.conversations.get(turn.key);
    const { input } = turn;
    if (!conv) return input.kind === "cancel" ? { replies: [notice("Triage cancelled. Nothing was filed.")], moved: true } : undefined;
    if (turn.conversationId !== undefined && turn.conversationId !== conv.id) return undefined;
    if ("rev" in input && input.rev !== undefined && conv.rev !== input.rev + 1) return undefined;
    if (!conv.incidentId) return { replies: this.ask(conv), moved: true };
    const incident = await this.d.incidents.get(conv.incidentId);
    if (!incident) return undefined;
    const joined = conv.duplicateOf?.id === incident.id && !conv.fileAnyway;
    return { replies: [{ kind: "triage-result", incident, duplicate: false, ...(joined ? { joined } : {}) }], moved: true };
  }

  private async runTurn(turn: Turn): Promise<{ replies: Reply[]; moved: boolean }> {
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      const current = await this.d.conversations.get(turn.key);
      const outcome = await this.step(turn, current);
      if (!outcome.save) return { replies: outcome.replies, moved: false };
      const saved =
        outcome.save === "delete"
          ? await this.d.conversations.delete(turn.key, current?.rev)
          : await this.d.conversations.put(outcome.save, current?.rev);
      if (saved) return { replies: outcome.replies, moved: true };
      // Another process moved this conversation on first: re-read and judge the turn again (it may
      // now be stale, which is what a double click should produce).
    }
    return { replies: [notice("This triage is being updated from somewhere else right now; please try again.", "warning")], moved: false };
  }

  private async step(turn: Turn, conv: Conversation | undefined): Promise<{ replies: Reply[]; save?: Conversation | "delete" }> {
    const { input } = turn;
    // Keys already hold the user; this guards against an adapter that ever mixes them up.
    const action = input.kind === "start" ? "start-triage" : input.kind === "join" ? "join-duplicate" : "answer-own-triage";
    const own = authorize(this.d.roster, turn.user, action, conv ? { owner: conv.user } : {});
    if (!own.ok) return { replies: [notice(own.message, "error")] };
    if (input.kind === "start") return this.start(turn, conv, input);
    // Revisions restart with each walk-through, so a click also names the one it belongs to. A click
    // on a message of an earlier walk-through that was filed answers with that incident: after a lost
    // reply (a crash between filing and answering) the reporter can always get back to it.
    if (turn.conversationId !== undefined && turn.conversationId !== conv?.id) {
      const filed = await this.d.incidents.byConversation(turn.conversationId);
      if (filed) return { replies: this.filedReplies(filed, sameActor(filed.reporter, turn.user)) };
    }
    if (!conv) {
      return { replies: [notice("There is no triage in progress (it may have expired). Start a new one to report an incident.", "warning")] };
    }
    if (turn.conversationId !== undefined && turn.conversationId !== conv.id) {
      return { replies: [notice("That message belongs to an earlier triage; nothing was changed. Use the latest message, or start a new report.", "warning")] };
    }
    // Filed before stale: once the incident exists every click of this walk-through answers with it,
    // so nobody is told "use the latest message" when the latest message never arrived.
    if (conv.incidentId) {
      if (input.kind === "cancel") return { replies: [notice(`${conv.incidentId} is already filed; nothing to cancel.`)] };
      return { replies: await this.result(conv) };
    }
    if ("rev" in input && input.rev !== undefined && input.rev !== conv.rev) {
      return { replies: [notice("That question was already answered or has moved on; nothing was changed. Use the latest message (starting the report again shows where you are).", "warning")] };
    }
    switch (input.kind) {
      case "cancel":
        return { replies: [notice("Triage cancelled. Nothing was filed.")], save: "delete" };
      case "back": {
        const state = engine.back(this.d.flow, conv.state);
        if (state === conv.state) return { replies: [notice("This is the first question; there is nothing to go back to."), ...this.ask(conv)] };
        // Going back from the duplicate question reopens the last answer; the check runs again after it.
        const { duplicateOf: _d, fileAnyway: _f, ...rest } = conv;
        return this.advance(rest, state);
      }
      case "join":
        return this.joinDuplicate(conv, input.incidentId);
      case "file-new":
        if (!conv.duplicateOf) return { replies: [notice("There is no similar incident to decide about now.", "warning"), ...this.ask(conv)] };
        return this.advance({ ...conv, fileAnyway: true }, conv.state);
      case "confirm-inferred": {
        const r = engine.decideInferred(this.d.flow, conv.state, decisionOf(input));
        return r.ok ? this.advance(conv, r.state) : { replies: [notice(r.error, "warning"), ...this.ask(conv)] };
      }
      case "text":
        return this.answerText(conv, input.text);
      case "answer":
        return this.answer(conv, input.questionId, input.value);
    }
  }

  private async start(turn: Turn, stored: Conversation | undefined, input: { text?: string; link?: string }) {
    // A walk-through whose incident was filed but whose reply was lost (the process died in between)
    // counts as filed: starting again must not ask its last question a second time.
    const lost = stored && !stored.incidentId ? await this.d.incidents.byConversation(stored.id) : undefined;
    const conv = stored && lost ? { ...stored, incidentId: lost.id } : stored;
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
    // The reporter's last incident comes first: after a lost reply this is where they learn its id.
    const last = conv?.incidentId ? (lost ?? (await this.d.incidents.get(conv.incidentId))) : undefined;
    const before = last ? [notice(`Your last report is filed as ${last.id}: ${statusOf(last, this.d.roster)}. If this is the same incident there is nothing more to do; otherwise this starts a new report.`)] : [];
    const started = input.text?.trim() ? await this.answer(fresh, "description", input.text, fresh) : { replies: this.ask(fresh), save: fresh };
    return { ...started, replies: [...before, ...started.replies] };
  }

  /** A filed incident, answered to a click on any message of the walk-through that filed it. */
  private filedReplies(incident: Incident, reporter: boolean): Reply[] {
    const line = notice(`This report is filed as ${incident.id}: ${statusOf(incident, this.d.roster)}. Nothing was changed.`);
    return reporter ? [line, { kind: "triage-result", incident, duplicate: true }] : [line];
  }

  /**
   * Free text is redacted before the engine sees it, so stored answers, pre-triage evidence, tickets
   * and logs only ever hold the redacted text. `orSave` is kept when the answer is refused (a new
   * walk-through whose description was not accepted still starts).
   */
  private async answer(conv: Conversation, questionId: string, value: unknown, orSave?: Conversation) {
    const q = this.d.flow.questions.find((x) => x.id === questionId);
    const clean = q?.kind === "text" && typeof value === "string" ? cleanText(value, textLimit(q)) : undefined;
    const r = engine.answer(this.d.flow, conv.state, questionId, clean ? clean.text : value);
    if (!r.ok) return { replies: [notice(r.error, "warning"), ...this.ask(conv)], ...(orSave ? { save: orSave } : {}) };
    const read = questionId === "description" ? await this.withSuggestions(r.state, String(r.state.answers.description)) : { state: r.state, notes: [] };
    const advanced = await this.advance(clean ? withNotes(conv, questionId, clean.hits) : conv, read.state);
    const next = read.notes.length ? { ...advanced, replies: [...read.notes, ...advanced.replies] } : advanced;
    if (!clean?.hits.length) return next;
    // What was taken out and where, never the secret: enough to find the marker in the stored answer.
    this.d.log?.info({ conversationId: conv.id, question: questionId, redacted: clean.hits }, "secrets redacted from an answer");
    return { ...next, replies: [...redactionNotice(clean.hits), ...next.replies] };
  }

  /** Typed text answers the current question: free text as is, choices by value or label. */
  private async answerText(conv: Conversation, text: string) {
    const step = engine.nextStep(this.d.flow, conv.state);
    if (step.kind === "confirm-inferred") {
      const decision = typedDecision(text, step.items.map((i) => i.question.id));
      if (decision) return this.step({ key: conv.key, user: conv.user, input: { kind: "confirm-inferred", ...decision } }, conv);
      return { replies: [notice("Type y to keep all the suggested answers, the number of one to change it, or keep and its number to keep only that one.", "warning"), ...this.ask(conv)] };
    }
    if (step.kind === "done" && conv.duplicateOf) {
      if (JOIN.test(text.trim())) return this.joinDuplicate(conv, conv.duplicateOf.id);
      if (FILE_NEW.test(text.trim())) return this.advance({ ...conv, fileAnyway: true }, conv.state);
      return { replies: [notice(`Please answer join to add your report to ${conv.duplicateOf.id}, or new to file a new incident.`, "warning"), ...this.ask(conv)] };
    }
    if (step.kind !== "question") return { replies: this.ask(conv) };
    const q = step.question;
    // A choice typed as text is redacted too: a refusal quotes what was typed.
    return this.answer(conv, q.id, q.kind === "text" ? text : parseChoice(q, cleanText(text).text));
  }

  /**
   * Reads the description into suggestions, and says so when it could not: a responder should know
   * that an intent question without a suggestion is the bot being careful, not the bot being broken.
   */
  private async withSuggestions(state: engine.FlowState, description: string): Promise<{ state: engine.FlowState; notes: Reply[] }> {
    const read = await (this.d.readDescription ?? offlineReader(this.d))(description);
    // The inventory knows whether a named system is high-risk: suggested like any answer, to confirm.
    const system = this.d.inventory ? suggestSystemFromText(this.d.inventory, description) : undefined;
    const inferred = system ? { ...read.inferred, highRisk: highRiskSuggestion(system) } : read.inferred;
    const next = engine.suggest(this.d.flow, state, inferred);
    const notes: Reply[] = [];
    if (read.pSecurity === undefined && !Object.keys(read.inferred).length) {
      notes.push(notice("Your description is short, so I have nothing to suggest from it: I'll ask each question."));
    } else if (!read.inferred.intent) {
      notes.push(notice("I can't tell yet from your description whether someone did this on purpose, so I'll ask."));
    }
    return { state: next, notes };
  }

  /**
   * Saves the new state. When the flow is complete: asks about a likely duplicate first (unless the
   * responder chose to file anyway), else files the incident and dispatches its ticket.
   */
  private async advance(conv: Conversation, state: engine.FlowState): Promise<{ replies: Reply[]; save: Conversation }> {
    const next: Conversation = { ...conv, state, rev: conv.rev + 1, updatedAt: this.d.clock.now().toISOString() };
    if (engine.nextStep(this.d.flow, state).kind !== "done") return { replies: this.ask(next), save: next };
    if (!next.fileAnyway) {
      const duplicateOf = await this.filing.duplicateOf(next);
      if (duplicateOf) {
        const asking = { ...next, duplicateOf };
        return { replies: this.ask(asking), save: asking };
      }
    }
    const incident = await this.filing.file(next);
    const limited = incident.limited
      ? [notice(`${incident.id} is filed and posted to the ${incident.routing.domain} on-call channel, but nobody was paged: there were too many reports in the last hour. If it cannot wait, contact the on-call directly.`, "warning")]
      : [];
    const queued = !(await this.workersAlive());
    return { replies: [...limited, { kind: "triage-result" as const, incident, duplicate: false, ...(queued ? { queued } : {}) }], save: { ...next, incidentId: incident.id } };
  }

  /** A check that cannot answer counts as no worker: "queued" is true either way, "notified" might not be. */
  private async workersAlive(): Promise<boolean> {
    if (!this.d.workersAlive) return true;
    try {
      return await this.d.workersAlive();
    } catch (err) {
      this.d.log?.warn({ err }, "worker heartbeat unreadable; telling the reporter the ticket is queued");
      return false;
    }
  }

  private async joinDuplicate(conv: Conversation, incidentId: string) {
    const dup = conv.duplicateOf;
    if (!dup || dup.id !== incidentId || engine.nextStep(this.d.flow, conv.state).kind !== "done") {
      return { replies: [notice("That choice belongs to an earlier step; nothing was changed. Use the latest message.", "warning"), ...this.ask(conv)] };
    }
    const r = await this.filing.join(conv, incidentId);
    if (!r.ok) {
      // The incident closed (or vanished) meanwhile: this report is filed on its own instead.
      const filed = await this.advance({ ...conv, fileAnyway: true }, conv.state);
      return { ...filed, replies: [notice(`${r.message} Filing your report as a new incident.`, "warning"), ...filed.replies] };
    }
    const saved: Conversation = { ...conv, rev: conv.rev + 1, updatedAt: this.d.clock.now().toISOString(), incidentId };
    const text = r.limited
      ? `Added your report to ${incidentId}. The on-call already has it; over the report limit (${r.limited}), so its channel was not told.`
      : `Added your report to ${incidentId}. The on-call already has it, so nobody was paged again${r.told ? "; its channel was told" : ""}.`;
    return { replies: [notice(text), { kind: "triage-result" as const, incident: r.incident, duplicate: false, joined: true }], save: saved };
  }

  /** What a finished conversation answers to a late or repeated answer: the incident it filed or joined. */
  private async result(conv: Conversation): Promise<Reply[]> {
    const id = conv.incidentId!;
    const incident = await this.d.incidents.get(id);
    if (!incident) return [notice(`${id} was filed.`)];
    const joined = conv.duplicateOf?.id === id && !conv.fileAnyway;
    return [notice(`${id}: ${statusOf(incident, this.d.roster)}. Nothing was changed.`), { kind: "triage-result", incident, duplicate: true, ...(joined ? { joined } : {}) }];
  }

  /** The reply that asks the current step of a conversation. */
  ask(conv: Conversation): Reply[] {
    const step = engine.nextStep(this.d.flow, conv.state);
    const ref = { conversationId: conv.id, rev: conv.rev };
    const canBack = conv.state.trail.length > 0;
    const progress = step.kind === "done" ? { index: 0, total: 0 } : { index: step.index, total: step.total };
    if (step.kind === "done") {
      if (!conv.duplicateOf || conv.incidentId || conv.fileAnyway) return [];
      return [{ kind: "duplicate", ...ref, incident: { ...conv.duplicateOf }, canBack }];
    }
    if (step.kind === "confirm-inferred") {
      const items = step.items.map(({ question, suggestion, changeable }) => ({ questionId: question.id, prompt: question.prompt, ...view(question, suggestion), changeable }));
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

/** Where an incident stands, in words a reporter understands. */
function statusOf(i: Incident, roster: Roster): string {
  const who = i.assignee ? (person(roster, i.assignee)?.name ?? i.assignee) : undefined;
  switch (i.status) {
    case "open":
      return `open, with the ${i.routing.domain} on-call${i.limited ? " (not paged: too many reports)" : ""}`;
    case "acknowledged":
      return `acknowledged${who ? ` by ${who}` : ""}`;
    case "escalated":
      return `escalated to level ${i.level + 1} of the ${i.routing.domain} on-call`;
    case "resolved":
      return "resolved";
  }
}

const decisionOf = (i: Extract<Input, { kind: "confirm-inferred" }>): engine.InferredDecision =>
  i.decision === "keep-all" ? { decision: "keep-all" } : { decision: i.decision, questionId: i.questionId };

/** Typed at the suggestions: "y" keeps all, "2" changes the second, "keep 2" keeps only the second. */
export function typedDecision(text: string, ids: string[]): engine.InferredDecision | undefined {
  const t = text.trim().toLowerCase();
  if (/^(y|yes|ok|all|keep all|accept all|confirm|correct)$/.test(t)) return { decision: "keep-all" };
  const m = /^(k|keep\s*)?(\d{1,2})$/.exec(t);
  const questionId = m ? ids[Number(m[2]) - 1] : undefined;
  if (!m || questionId === undefined) return undefined;
  return { decision: m[1] ? "keep" : "change", questionId };
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
