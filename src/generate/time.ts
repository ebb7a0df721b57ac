/**
 * Time-zone arithmetic for the generator, built on Intl so that DST transitions (US on
 * 8 March 2026, EU on 29 March 2026) land where real calendars put them.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();
const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const DAY = 86_400_000;

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The zone's offset from UTC in minutes at `ms` (e.g. -480 for PST). */
export function offsetMinutes(ms: number, tz: string): number {
  // Offsets only change on whole hours in the zones we use, so one lookup per hour suffices.
  const key = `${tz}|${Math.floor(ms / HOUR)}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const parts: Record<string, number> = {};
  for (const p of formatterFor(tz).formatToParts(new Date(Math.floor(ms / HOUR) * HOUR))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  const offset = Math.round((asUtc - Math.floor(ms / HOUR) * HOUR) / MINUTE);
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

export interface LocalParts { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number }

export function localParts(ms: number, tz: string): LocalParts {
  const d = new Date(ms + offsetMinutes(ms, tz) * MINUTE);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay(),
  };
}

/** UTC epoch ms of a wall-clock time in `tz`. */
export function zonedToUtc(year: number, month: number, day: number, hour: number, minute: number, tz: string): number {
  const naive = Date.UTC(year, month - 1, day, hour, minute);
  let guess = naive - offsetMinutes(naive, tz) * MINUTE;
  guess = naive - offsetMinutes(guess, tz) * MINUTE;
  return guess;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export function isoDate(p: { year: number; month: number; day: number }): string {
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** The America/Los_Angeles date of `ms`, which is how Slack exports bucket day files. */
export function laDate(ms: number): string {
  return isoDate(localParts(ms, 'America/Los_Angeles'));
}

/** 2026-03-04T15:10:00Z */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** 2026-03-04T15:10:00.000Z, as Google APIs write created/updated. */
export function isoUtcMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/** 20260304T150000Z, the UTC basic format of recurring instance ids. */
export function basicUtc(ms: number): string {
  return isoUtc(ms).replace(/[-:]/g, '');
}

/** 2026-03-04T07:00:00-08:00 */
export function rfc3339Local(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  const off = offsetMinutes(ms, tz);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${isoDate(p)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** 20260304T070000, an iCalendar local date-time used with TZID. */
export function icsLocal(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${p.year}${pad(p.month)}${pad(p.day)}T${pad(p.hour)}${pad(p.minute)}${pad(p.second)}`;
}

/** The calendar date `index` days after `start` (an ISO date), as {year, month, day, weekday}. */
export function dayAt(start: string, index: number): { year: number; month: number; day: number; weekday: number; iso: string } {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d + index));
  const out = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), weekday: date.getUTCDay() };
  return { ...out, iso: isoDate(out) };
}

/** Days between two local dates (b − a). */
export function dateDiff(a: LocalParts, b: LocalParts): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY);
}

/** A Slack ts for `ms` with the given microsecond tail. */
export function slackTs(ms: number, micros: number): string {
  const sec = Math.floor(ms / 1000);
  const frac = (ms % 1000) * 1000 + micros;
  return `${sec + Math.floor(frac / 1_000_000)}.${pad(frac % 1_000_000, 6)}`;
}
