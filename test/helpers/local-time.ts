// Local dates and wall times of a zone, from the JavaScript runtime's own
// time-zone data (Intl), never from PostgreSQL: the install-path tests use
// them to place rows at the edges of local days and to compute what the
// reports must say, independently of the package's `at time zone` arithmetic.

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    });
    formats.set(zone, f);
  }
  return f;
}

/** The wall clock of `instant` in `zone`: date YYYY-MM-DD and time HH:MM. */
export function wallClock(instant: string | number, zone: string): { date: string; time: string } {
  const parts = Object.fromEntries(format(zone).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** The local calendar date of `instant` in `zone`. */
export const localDate = (instant: string | number, zone: string): string => wallClock(instant, zone).date;

/** The instant (ISO, UTC) whose wall clock in `zone` reads `date` `time`; throws for a time the zone skips. */
export function instantAt(date: string, time: string, zone: string): string {
  const wanted = Date.parse(`${date}T${time}:00Z`);
  let instant = wanted;
  for (let i = 0; i < 3; i += 1) {
    const seen = wallClock(instant, zone);
    instant += wanted - Date.parse(`${seen.date}T${seen.time}:00Z`);
  }
  const seen = wallClock(instant, zone);
  if (seen.date !== date || seen.time !== time) throw new Error(`${date} ${time} does not exist in ${zone}`);
  return new Date(instant).toISOString();
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Monday of the ISO week of `date`. */
export function mondayOf(date: string): string {
  return addDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));
}

/** Whole days from `from` to `to`. */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** Every date from `from` to `to`, inclusive. */
export function datesFrom(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) dates.push(d);
  return dates;
}

/**
 * The wall times at the edges of local day `date` in `zone`: 00:00, 00:01,
 * the UTC midnight that falls on this local day and the minute before it,
 * and 23:59 (fewer where two coincide, as in UTC).
 */
export function dayEdges(date: string, zone: string): string[] {
  const utcMidnight = [date, addDays(date, 1)]
    .map((d) => Date.parse(`${d}T00:00:00Z`))
    .find((instant) => localDate(instant, zone) === date)!;
  const offsetPoint = wallClock(utcMidnight, zone).time;
  const before = wallClock(utcMidnight - 60_000, zone);
  const edges = ['00:00', '00:01', ...(before.date === date ? [before.time] : []), offsetPoint, '23:59'];
  return [...new Set(edges)];
}
