// Calendar days in a time zone, for summaries and charts: "today" is the local date where the
// managers read the chart, not the 24 hours since some instant. Built on Intl (no dependency), so
// days of 23 or 25 hours around a DST change come out right.

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsOf(at: Date, timeZone: string): { y: number; m: number; d: number; h: number; min: number; s: number } {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    formatters.set(timeZone, fmt);
  }
  const p = Object.fromEntries(fmt.formatToParts(at).map((x) => [x.type, x.value]));
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day), h: Number(p.hour), min: Number(p.minute), s: Number(p.second) };
}

/** The local calendar date (YYYY-MM-DD) of an instant in `timeZone`. */
export function localDate(at: Date, timeZone: string): string {
  const p = partsOf(at, timeZone);
  return `${p.y}-${String(p.m).padStart(2, "0")}-${String(p.d).padStart(2, "0")}`;
}

/** The date `n` days after a YYYY-MM-DD date (calendar arithmetic, no time zone involved). */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The instant local midnight starts `date` in `timeZone`. */
export function startOfDay(date: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`);
  // The zone's offset at a guess, then again at the corrected guess: right across a DST change too.
  let t = wall - offsetAt(new Date(wall), timeZone);
  t = wall - offsetAt(new Date(t), timeZone);
  return new Date(t);
}

/** Local wall-clock time minus UTC at an instant, in ms. */
function offsetAt(at: Date, timeZone: string): number {
  const p = partsOf(at, timeZone);
  const wall = Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s);
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}
