// What Teams refuses or ignores in an Adaptive Card and in an `adaptiveCard/action` invoke response,
// for the fake connector and the tests' button presses (Microsoft Learn, "Work with Universal Actions
// for Adaptive Cards" and "Universal Actions invoke response format"):
// - Action.Execute and `refresh` need card version 1.4 or later (1.5 for Teams); below, the card stops
//   working: refused here.
// - `refresh.action` is an Action.Execute; `refresh.userIds` is a list of at most 60 user MRIs.
// - An Action.Execute carries a verb and object data; its `fallback` is "drop" or an Action.Submit.
// - An invoke response is HTTP 200 with {statusCode, type, value}: a card (value: a valid card), a
//   message (value: a string) or an error (application/vnd.microsoft.error).
type Json = Record<string, any>;

const CARD = "application/vnd.microsoft.card.adaptive";
const MESSAGE = "application/vnd.microsoft.activity.message";
const ERROR = "application/vnd.microsoft.error";
const ACTIONS = new Set(["Action.Submit", "Action.Execute", "Action.ShowCard", "Action.OpenUrl", "Action.ToggleVisibility"]);

const version = (v: unknown) => (typeof v === "string" && /^\d+\.\d+$/.test(v) ? Number(v) : NaN);

/** Why Teams would refuse or break on `card`, or undefined. */
export function cardProblem(card: Json, outerVersion?: number): string | undefined {
  const v = outerVersion ?? version(card.version);
  if (outerVersion === undefined && (card.type !== "AdaptiveCard" || Number.isNaN(v))) return "not an AdaptiveCard with a version";
  const actions: Json[] = [];
  const walk = (body: Json[] = []) => {
    for (const e of body) {
      if (e.type === "ActionSet") actions.push(...(e.actions ?? []));
      if (e.type === "Container") walk(e.items);
    }
  };
  walk(card.body);
  actions.push(...(card.actions ?? []));
  const usesExecute = actions.some((a) => a.type === "Action.Execute") || card.refresh !== undefined;
  if (usesExecute && v < 1.4) return `Action.Execute or refresh in a card of version ${card.version ?? v}: Teams needs 1.4 or later`;
  if (card.refresh !== undefined) {
    const r = card.refresh;
    if (r.action?.type !== "Action.Execute") return "refresh.action must be an Action.Execute";
    if (!Array.isArray(r.userIds) || r.userIds.some((u: unknown) => typeof u !== "string" || !u)) return "refresh.userIds must be a list of user MRIs";
    if (r.userIds.length > 60) return `refresh.userIds names ${r.userIds.length} users: Teams allows at most 60`;
  }
  for (const a of actions) {
    if (!ACTIONS.has(a.type)) return `unknown action ${a.type}`;
    if (a.type === "Action.Execute") {
      if (typeof a.verb !== "string" || !a.verb) return `Action.Execute "${a.title}" has no verb`;
      if (a.data !== undefined && (typeof a.data !== "object" || Array.isArray(a.data))) return `Action.Execute "${a.title}" data must be an object`;
      if (a.fallback !== undefined && a.fallback !== "drop" && a.fallback?.type !== "Action.Submit") return `Action.Execute "${a.title}" fallback must be "drop" or an Action.Submit`;
    }
    if (a.type === "Action.ShowCard") {
      const inner = cardProblem(a.card ?? {}, v);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** Why Teams would not show the answer to an `adaptiveCard/action` invoke, or undefined. */
export function invokeResponseProblem(status: number, body: Json | undefined): string | undefined {
  if (status !== 200) return `HTTP ${status}: Teams shows an error to the person`;
  if (!body || typeof body.statusCode !== "number") return "no statusCode in the invoke response";
  if (body.type === CARD) return body.statusCode === 200 ? cardProblem(body.value ?? {}) : `statusCode ${body.statusCode} with a card`;
  if (body.type === MESSAGE) return typeof body.value === "string" ? undefined : "a message response needs a string value";
  if (body.type === ERROR) return undefined;
  return `unknown invoke response type ${body.type}`;
}
