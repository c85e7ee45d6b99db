// The multi-answer check, for every platform: what was ticked becomes the answer, "none" alone is the
// empty answer, and nothing ticked (or options and "none" together) is refused with words that say
// what to do. Slack's "None" is a button of its own; Teams' is the last checkbox.
export type Picked = { ok: true; value: string[] } | { ok: false; message: string };

/** The value a "none of these" checkbox sends: never an option value (those are lower-case words). */
export const NONE_VALUE = "@none";

export function pickedChoices(values: readonly string[]): Picked {
  const picked = [...new Set(values.map((s) => s.trim()).filter(Boolean))];
  if (!picked.length) return { ok: false, message: "Tick at least one box, or choose “none of these”, then go on." };
  if (picked.includes(NONE_VALUE)) {
    return picked.length > 1 ? { ok: false, message: "You picked options and “none of these” together; pick one or the other." } : { ok: true, value: [] };
  }
  return { ok: true, value: picked };
}
