// What the Teams client does with an Adaptive Card's required inputs, for the fake connector and the
// tests' button presses: before sending an Action.Submit it validates every `isRequired` input of the
// action's card and the cards around it (not the inline cards of other ShowCards), unless the action
// says `associatedInputs: "none"`. A Back button under a required text box is then dead in Teams.
type Json = Record<string, any>;

interface Scope {
  /** required input ids visible to the actions of this card. */
  required: string[];
  submits: Json[];
}

/** Every card of `card` (itself and its ShowCard cards) with the required inputs its submits see. */
function scopes(card: Json, outer: string[] = []): Scope[] {
  const elements = (body: Json[] = []): Json[] => body.flatMap((e) => [e, ...(e.type === "Container" ? elements(e.items) : [])]);
  const els = elements(card.body);
  const required = [...outer, ...els.filter((e) => String(e.type).startsWith("Input.") && e.isRequired).map((e) => e.id as string)];
  const actions = [...els.filter((e) => e.type === "ActionSet").flatMap((e) => e.actions as Json[]), ...((card.actions as Json[]) ?? [])];
  // Teams validates required inputs for an Action.Execute as for an Action.Submit.
  const own: Scope = { required, submits: actions.filter((a) => a.type === "Action.Submit" || a.type === "Action.Execute") };
  return [own, ...actions.filter((a) => a.type === "Action.ShowCard").flatMap((a) => scopes(a.card, required))];
}

/** The required inputs that stop `submit` (an action of `card`) when the person filled in `inputs`. */
export function blockingInputs(card: Json, submit: Json, inputs: Record<string, string>): string[] {
  if (submit.associatedInputs === "none") return [];
  const scope = scopes(card).find((s) => s.submits.includes(submit));
  return (scope?.required ?? []).filter((id) => !(inputs[id] ?? "").trim());
}

/**
 * Why Teams would leave a button of `card` dead, or undefined: a card whose required inputs are
 * validated by more than one Action.Submit has a button that can only be pressed after filling in
 * what it does not need (Back, Cancel); each such button must say `associatedInputs: "none"`.
 */
export function deadButtons(card: Json): string | undefined {
  for (const s of scopes(card)) {
    const validating = s.submits.filter((a) => a.associatedInputs !== "none");
    if (s.required.length && validating.length > 1) return `buttons ${validating.map((a) => a.title).join(", ")} all wait for required input ${s.required.join(", ")}`;
  }
  return undefined;
}
