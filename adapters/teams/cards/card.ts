// Adaptive Card building blocks, schema 1.5 (what Teams renders). Only the elements we use are typed,
// so a renderer cannot reach for one Teams would not show.
import type { SubmitData } from "../submit.js";
import { plain } from "./inert.js";

export const CARD_VERSION = "1.5";
export const CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json";
export const CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

type Spacing = "none" | "small" | "default" | "medium" | "large";
export interface TextBlock {
  type: "TextBlock";
  text: string;
  wrap?: boolean;
  weight?: "bolder" | "lighter";
  size?: "small" | "medium" | "large";
  color?: "accent" | "good" | "warning" | "attention";
  isSubtle?: boolean;
  spacing?: Spacing;
  separator?: boolean;
  style?: "heading";
}
export interface FactSet {
  type: "FactSet";
  facts: Array<{ title: string; value: string }>;
}
export interface Container {
  type: "Container";
  items: Element[];
  style?: "emphasis" | "good" | "warning" | "attention" | "accent";
  spacing?: Spacing;
  separator?: boolean;
}
export interface ActionSet {
  type: "ActionSet";
  actions: Action[];
}
export interface InputText {
  type: "Input.Text";
  id: string;
  label?: string;
  placeholder?: string;
  isMultiline?: boolean;
  maxLength?: number;
  isRequired?: boolean;
  errorMessage?: string;
}
export interface InputChoiceSet {
  type: "Input.ChoiceSet";
  id: string;
  choices: Array<{ title: string; value: string }>;
  isMultiSelect?: boolean;
  style?: "compact" | "expanded";
  value?: string;
  label?: string;
  isRequired?: boolean;
  errorMessage?: string;
}
export type Element = TextBlock | FactSet | Container | ActionSet | InputText | InputChoiceSet;

export interface SubmitAction {
  type: "Action.Submit";
  title: string;
  data: SubmitData;
  style?: "positive" | "destructive";
  /** "none": Teams sends this action without validating (or sending) the card's required inputs. */
  associatedInputs?: "auto" | "none";
}
export interface ShowCardAction {
  type: "Action.ShowCard";
  title: string;
  card: { type: "AdaptiveCard"; body: Element[]; actions?: Action[] };
}
export interface OpenUrlAction {
  type: "Action.OpenUrl";
  title: string;
  url: string;
}
/**
 * A Universal Action (Adaptive Cards 1.5): Teams sends it as an `adaptiveCard/action` invoke and shows
 * the card the bot answers with. `fallback` is what a client without Universal Actions shows instead.
 */
export interface ExecuteAction {
  type: "Action.Execute";
  title: string;
  verb: string;
  data: SubmitData | RefreshData;
  style?: "positive" | "destructive";
  associatedInputs?: "auto" | "none";
  fallback?: SubmitAction;
}
export type Action = SubmitAction | ExecuteAction | ShowCardAction | OpenUrlAction;

/** What a ticket card's refresh carries: the incident and the routing the card shows. */
export interface RefreshData {
  action: "refresh";
  incidentId: string;
  route: number;
}

export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: typeof CARD_SCHEMA;
  version: typeof CARD_VERSION;
  body: Element[];
  actions?: Action[];
  /** per-user views: Teams asks the bot for this card again for each of `userIds` (at most 60) as they look at it. */
  refresh?: { action: ExecuteAction & { data: RefreshData }; userIds: string[] };
}

/** The most people a card's refresh may name: Teams refreshes automatically for at most 60. */
export const REFRESH_MAX_USERS = 60;

export function card(body: Element[], actions: Action[] = []): AdaptiveCard {
  return { type: "AdaptiveCard", $schema: CARD_SCHEMA, version: CARD_VERSION, body, ...(actions.length ? { actions } : {}) };
}

/** Limits that keep a card well inside Teams' 28 KB message size and readable on a phone. */
export const LIMIT = { title: 150, line: 400, block: 2000, label: 80 } as const;

export function clip(text: string, max: number): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export const text = (t: string, opts: Omit<TextBlock, "type" | "text"> = {}): TextBlock => ({ type: "TextBlock", text: clip(t, LIMIT.block), wrap: true, ...opts });
export const heading = (t: string): TextBlock => text(clip(t, LIMIT.title), { weight: "bolder", size: "medium", style: "heading" });
export const subtle = (t: string): TextBlock => text(t, { isSubtle: true, size: "small", spacing: "none" });
export const facts = (rows: Array<[string, string]>): FactSet => ({
  type: "FactSet",
  facts: rows.filter(([, v]) => v !== "").map(([title, value]) => ({ title: clip(title, LIMIT.label), value: clip(value, LIMIT.line) })),
});
/** A Markdown list of lines that are never Markdown themselves (rationale quotes what people typed). */
export const bullets = (lines: string[]): TextBlock => text(lines.map((l) => `- ${plain(clip(l, LIMIT.line))}`).join("\n"));
export const submit = (title: string, data: SubmitData, style?: SubmitAction["style"]): SubmitAction => ({
  type: "Action.Submit",
  title: clip(title, LIMIT.label),
  data,
  ...(style ? { style } : {}),
});
/** Action.Execute with an Action.Submit of the same data as its fallback (older clients send that instead). */
export const execute = (title: string, verb: string, data: SubmitData, style?: SubmitAction["style"]): ExecuteAction => ({
  type: "Action.Execute",
  title: clip(title, LIMIT.label),
  verb,
  data,
  ...(style ? { style } : {}),
  fallback: submit(title, data, style),
});
export const pct = (c: number) => `${Math.round(c * 100)}%`;
