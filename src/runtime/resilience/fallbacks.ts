/**
 * What a run did instead, when a source failed (its API down, its breaker open, its token
 * refused): the flags that go with a partial run, in the progress output and in
 * `runs.counts.fallbacks`. The run itself needs nothing else to fall back: the meeting
 * intelligence derives from what is stored, so without a fresh Slack read it works on the
 * messages collected before, and without a fresh calendar read on the events stored before.
 */
import type { TaskResult } from '../orchestrator.js';

export interface Fallback {
  readonly component: string;
  readonly code: string | null;
  /** One sentence: what was used instead, and what that means for the results. */
  readonly note: string;
}

const NOTES: Record<string, string> = {
  'slack-web': 'Slack was not read; the meeting intelligence ran over the messages stored by earlier runs, so messages since then are missing',
  'slack-export': 'the Slack export was not read; the meeting intelligence ran over the messages stored before',
  'google-calendar': 'calendars were not read; messages were linked to the calendar events stored before, and meetings without one are Slack-only',
  'calendar-files': 'calendar files were not read; messages were linked to the calendar events stored before, and meetings without one are Slack-only',
  'google-drive': 'Drive was not read; the files stored before stay as they were',
  'drive-files': 'Drive files were not read; the files stored before stay as they were',
  'google-directory': 'the directory was not read; people are matched with those stored before',
  'directory-files': 'the directory files were not read; people are matched with those stored before',
  'people-csv': 'people.csv was not read; people are matched with those stored before',
};

export function fallbacksOf(components: readonly TaskResult[]): Fallback[] {
  return components
    .filter((c) => (c.status === 'failed' || c.status === 'skipped') && NOTES[c.name] !== undefined)
    .map((c) => ({ component: c.name, code: c.code, note: `${c.name} ${c.status}${c.code ? ` (${c.code})` : ''}: ${NOTES[c.name]!}` }));
}
