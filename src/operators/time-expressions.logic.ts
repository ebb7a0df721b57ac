/**
 * Time mentions in chat text: "Thu 10:30 PT", "tmrw 2pm", "noon CET", "next week".
 *
 * chrono-node does the parsing (casual mode, dates resolved forward from the message time).
 * It is the most expensive step of detection, so a cheap regex prefilter lets it run only on
 * text holding a time-like token; most chat messages have none.
 */
import * as chrono from 'chrono-node';
import type { Millis } from '../core/envelope.js';
import type { TimeMention } from '../core/records.js';

const DAY_MS = 86_400_000;
/** Mentions outside this window around the message are misreads ("Jan 2 be there" as a year BC). */
const EARLIEST_MS = 7 * DAY_MS;
const LATEST_MS = 60 * DAY_MS;

const TIME_LIKE = new RegExp(
  [
    String.raw`\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b`,
    String.raw`\b(?:today|tonight|tomorrow|tmrw|tmr|tomorow|tommorow|yesterday|eod|eow)\b`,
    String.raw`\bnext (?:week|month|mon|tue|wed|thu|fri)`,
    String.raw`\bthis (?:week|afternoon|morning|evening)\b`,
    String.raw`\b\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)\b`,
    String.raw`\b\d{1,2}:\d{2}\b`,
    String.raw`\b(?:noon|midday|midnight)\b`,
    String.raw`\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?\b`,
    String.raw`\b\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)`,
    String.raw`\bafter lunch\b`,
    String.raw`\bin (?:\d+|an?|half an) (?:min|mins|minutes|hour|hours|hr|hrs)\b`,
    String.raw`\bat \d{1,2}\b`,
    String.raw`\b(?:PT|PST|PDT|ET|EST|EDT|CT|CST|CDT|MT|MST|MDT|UTC|GMT|CET|CEST|BST|IST|JST|AEST|AEDT)\b`,
  ].join('|'),
  'i',
);

/** Chat spellings chrono does not know, rewritten to ones it does (same length not needed). */
const SPELLINGS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(?:tomorow|tommorow|tommorrow|tomorrrow|tmrw|tmr|2morrow|2moro|tmw)\b/gi, 'tomorrow'],
  [/\b(?:thurs|thur)\b/gi, 'thursday'],
  [/\b(?:tues)\b/gi, 'tuesday'],
  [/\b(?:weds)\b/gi, 'wednesday'],
  [/\btdy\b/gi, 'today'],
  // "1:1 mon at 3:30" is a meeting on Monday, not "1 mon(th)".
  [/(?<![\d:])1:1(?![\d:])/g, 'meeting'],
];

/**
 * Zone abbreviations as people use them: "PT" or even "PST" in July means Pacific time, so the
 * offset is that of the zone on the date meant, not a fixed one (chrono fixes it by the message
 * date, which is wrong across a DST change). UTC, IST and other fixed zones are left to chrono.
 */
const REGIONAL_ZONES: Record<string, string> = {
  pt: 'America/Los_Angeles', pst: 'America/Los_Angeles', pdt: 'America/Los_Angeles',
  mt: 'America/Denver', mst: 'America/Denver', mdt: 'America/Denver',
  ct: 'America/Chicago', cst: 'America/Chicago', cdt: 'America/Chicago',
  et: 'America/New_York', est: 'America/New_York', edt: 'America/New_York',
  cet: 'Europe/Berlin', cest: 'Europe/Berlin', bst: 'Europe/London',
};
const FIXED_ZONE = /\b(?:utc|gmt|ist|jst|aest|aedt|z)\b/i;
const TODAY = /\b(?:today|tonight|this (?:morning|afternoon|evening))\b/i;
const ZONE_IN_TEXT = /\b(pt|pst|pdt|mt|mst|mdt|ct|cst|cdt|et|est|edt|cet|cest|bst)\b/i;

/** The instant of a wall-clock time in an IANA zone (two passes settle the DST offset). */
function wallClockIn(zone: string, y: number, mo: number, d: number, h: number, mi: number): Millis {
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  let at = wall - offsetMinutesAt(zone, wall) * 60_000;
  at = wall - offsetMinutesAt(zone, at) * 60_000;
  return at;
}

/** True when the text holds a token that may be a time; chrono runs only then. */
export function hasTimeLikeToken(text: string): boolean {
  return TIME_LIKE.test(text);
}

/**
 * The UTC offset in minutes of `tz` at the instant `at` (e.g. -420 for America/Los_Angeles in
 * summer). Unknown or missing zones give 0 (UTC), so a bad profile never stops detection.
 */
export function offsetMinutesAt(tz: string | null, at: Millis): number {
  if (!tz) return 0;
  const format = formatterFor(tz);
  if (format === null) return 0;
  // Formatting costs microseconds and runs for every message; a zone's offset changes at most
  // once a day (a DST switch), so a day whose two ends agree has that offset throughout.
  let days = DAY_OFFSETS.get(tz);
  if (days === undefined) DAY_OFFSETS.set(tz, (days = new Map()));
  const day = Math.floor(at / DAY_MS);
  let known = days.get(day);
  if (known === undefined) {
    const start = exactOffset(format, day * DAY_MS);
    known = start === exactOffset(format, (day + 1) * DAY_MS - 1000) ? start : null;
    days.set(day, known);
  }
  return known ?? exactOffset(format, at);
}

/** Per zone and UTC day (days since the epoch): the offset, or null on a day it changes. */
const DAY_OFFSETS = new Map<string, Map<number, number | null>>();

function exactOffset(format: Intl.DateTimeFormat, at: Millis): number {
  const parts = format.formatToParts(new Date(at));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? '0');
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  const atWholeSecond = Math.floor(at / 1000) * 1000;
  return Math.round((asUtc - atWholeSecond) / 60_000);
}

// Building an Intl.DateTimeFormat costs far more than using one; a workspace has few zones.
const FORMATTERS = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(tz: string): Intl.DateTimeFormat | null {
  let f = FORMATTERS.get(tz);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
      });
    } catch {
      f = null;
    }
    if (FORMATTERS.size < 1000) FORMATTERS.set(tz, f);
  }
  return f;
}

/**
 * Every time mention in `text`, resolved against the message instant `at` in the author's
 * zone (`tzOffsetMinutes`, and its IANA name `authorZone` when known, for DST changes). A zone abbreviation written in the text ("10:30 PT") wins over
 * the author's zone; chrono applies it. A bare hour from 1 to 7 without am/pm ("at 4") is
 * read as afternoon, as people mean in work chat. Mentions outside −7…+60 days are dropped.
 */
export function findTimeMentions(text: string, at: Millis, tzOffsetMinutes: number, authorZone?: string | null): TimeMention[] {
  if (!hasTimeLikeToken(text)) return [];
  let results: chrono.ParsedResult[];
  let spelled = text;
  for (const [re, to] of SPELLINGS) spelled = spelled.replace(re, to);
  try {
    results = chrono.casual.parse(spelled, { instant: new Date(at), timezone: tzOffsetMinutes }, { forwardDate: true });
  } catch {
    return [];
  }
  const mentions: TimeMention[] = [];
  for (const r of results) {
    let start = r.start.date().getTime();
    const zoneWord = ZONE_IN_TEXT.exec(r.text);
    const zone = zoneWord ? REGIONAL_ZONES[zoneWord[1]!.toLowerCase()] : undefined;
    // The author's own zone, too, is read on the date meant: "1:15pm tomorrow" written the night
    // a DST change begins is 1:15pm at tomorrow's offset, not tonight's.
    const wallZone = zone ?? (zoneWord ? undefined : authorZone ?? undefined);
    if (wallZone && r.start.isCertain('hour') && (zone || !FIXED_ZONE.test(r.text))) {
      const c = r.start;
      start = wallClockIn(wallZone, c.get('year')!, c.get('month')!, c.get('day')!, c.get('hour')!, c.get('minute') ?? 0);
    }
    // "10:30 am cet this morning" is today where the clock is read. chrono, given a zone word, can
    // compare the hour with the author's clock and move it to tomorrow.
    if (TODAY.test(r.text) && r.start.isCertain('hour') && (zone !== undefined || !zoneWord) && !FIXED_ZONE.test(r.text)) {
      const offset = wallZone !== undefined ? offsetMinutesAt(wallZone, at) : tzOffsetMinutes;
      const today = new Date(at + offset * 60_000);
      const [y, mo, d, h, mi] = [today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate(), r.start.get('hour')!, r.start.get('minute') ?? 0];
      start = wallZone !== undefined ? wallClockIn(wallZone, y, mo, d, h, mi) : Date.UTC(y, mo - 1, d, h, mi) - offset * 60_000;
    }
    // "demo prep this morning" posted at 11am is this morning's, though chrono's implied 6am has
    // passed and reading forward moved it to tomorrow: without a clock, the part of today stays today.
    else if (TODAY.test(r.text) && !r.start.isCertain('hour')) {
      const offset = (authorZone ? offsetMinutesAt(authorZone, at) : tzOffsetMinutes) * 60_000;
      const ahead = Math.floor((start + offset) / DAY_MS) - Math.floor((at + offset) / DAY_MS);
      if (ahead > 0) start -= ahead * DAY_MS;
    }
    let end = r.end ? r.end.date().getTime() : null;
    if (!Number.isFinite(start)) continue;
    // "grab 30 min" is a duration, not "in 30 minutes".
    if (/^\d+\s*(?:m|min|mins|minutes?|h|hrs?|hours?)$/i.test(r.text.trim())) continue;
    // "at 20%" is a share, not a time.
    if (spelled.charAt(r.index + r.text.length) === '%') continue;
    // "at 3 levels", "at 5 users": a count, not a time.
    if (/^\s*(?:levels?|items?|people|times|percent|users|tickets|points|nodes|replicas|retries|deep)\b/i.test(spelled.slice(r.index + r.text.length))) continue;
    const hour = r.start.get('hour');
    if (r.start.isCertain('hour') && !r.start.isCertain('meridiem') && hour !== null && hour >= 1 && hour <= 7 && !/\d:\d{2}/.test(r.text)) {
      start += 12 * 3_600_000;
      if (end !== null) end += 12 * 3_600_000;
      // chrono pushed "at 4" to tomorrow 04:00 because 04:00 had passed; 16:00 today may not have.
      const dayStated = r.start.isCertain('day') || r.start.isCertain('weekday');
      if (!dayStated && start - DAY_MS > at) {
        start -= DAY_MS;
        if (end !== null) end -= DAY_MS;
      }
    }
    if (start < at - EARLIEST_MS || start > at + LATEST_MS) continue;
    const dayStated = r.start.isCertain('day') || r.start.isCertain('weekday');
    mentions.push({ text: r.text, start, end: end !== null && Number.isFinite(end) ? end : null, certain: dayStated && r.start.isCertain('hour') });
  }
  return mentions;
}
