/** The calendar month containing `at` in `timeZone`: its key and its start and end instants. */
export interface MonthWindow {
  key: string;
  start: Date;
  end: Date;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(timeZone: string, at: number): Record<string, number> {
  return Object.fromEntries(
    formatter(timeZone)
      .formatToParts(at)
      .filter((p) => p.type !== 'literal')
      .map((p) => [p.type, Number(p.value)]),
  );
}

/** Local wall-clock minus UTC at an instant, in ms. */
function offsetAt(timeZone: string, at: number): number {
  const p = localParts(timeZone, at);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(at / 1000) * 1000;
}

/** The instant of local midnight on the first of a month (offsets can differ across a DST change: check twice). */
function monthStart(timeZone: string, year: number, month: number): Date {
  const wall = Date.UTC(year, month - 1, 1);
  let instant = wall - offsetAt(timeZone, wall);
  instant = wall - offsetAt(timeZone, instant);
  return new Date(instant);
}

export function monthWindow(at: Date, timeZone: string): MonthWindow {
  const p = localParts(timeZone, at.getTime());
  const year = p.year!;
  const month = p.month!;
  const next = month === 12 ? [year + 1, 1] : [year, month + 1];
  return {
    key: `${year}-${String(month).padStart(2, '0')}`,
    start: monthStart(timeZone, year, month),
    end: monthStart(timeZone, next[0]!, next[1]!),
  };
}
