// Intl.DateTimeFormat is costly to construct and cheap to use (ticket cards, pages, rotations and the
// digest format times on hot paths): one formatter per time zone for each set of options.
export function formatterPerZone(locale: string, options: Omit<Intl.DateTimeFormatOptions, "timeZone">): (timeZone: string) => Intl.DateTimeFormat {
  const byZone = new Map<string, Intl.DateTimeFormat>();
  return (timeZone) => {
    let f = byZone.get(timeZone);
    if (!f) byZone.set(timeZone, (f = new Intl.DateTimeFormat(locale, { ...options, timeZone })));
    return f;
  };
}
