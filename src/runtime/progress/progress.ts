/**
 * What a run tells the people (or the log collector) watching it. The runtime reports stage
 * starts, records read and stage ends; a renderer turns them into bars on a terminal, one line
 * per step elsewhere, or one JSON object per step for log collectors.
 */

export interface Progress {
  /** A stage starts; `expected` is the source records it will read, when known (an earlier run's count). */
  begin(stage: string, expected: number | null): void;
  /** Source records the stage has read so far. */
  advance(stage: string, records: number): void;
  /** The stage has ended; `records` it read in `seconds`. */
  end(stage: string, stats: { records: number; seconds: number }): void;
  /** A step worth one line (a stage's summary, resuming, archived, a component that failed). */
  note(line: string): void;
  /** Stops redrawing; leaves the terminal clean. */
  close(): void;
}

export const silentProgress: Progress = {
  begin() {},
  advance() {},
  end() {},
  note() {},
  close() {},
};

/** One line per step, as written to a log or a pipe. */
export function lineProgress(write: (line: string) => void): Progress {
  return { ...silentProgress, note: write };
}

/** One JSON object per step, for log collectors: every line parses on its own. */
export function jsonProgress(write: (line: string) => void, now: () => number = Date.now): Progress {
  const emit = (fields: Record<string, unknown>): void => write(JSON.stringify({ time: new Date(now()).toISOString(), level: 'info', ...fields }));
  return {
    begin: (stage, expected) => emit({ msg: 'stage started', stage, expected }),
    advance() {},
    end: (stage, { records, seconds }) => emit({ msg: 'stage ended', stage, records, seconds: round(seconds, 3), rate: seconds > 0 ? round(records / seconds, 1) : null }),
    note: (line) => emit({ msg: line }),
    close() {},
  };
}

export interface StageState {
  stage: string;
  records: number;
  expected: number | null;
  elapsedMs: number;
}

/** Records per second so far; null before anything was read. */
export function rateOf(s: StageState): number | null {
  return s.elapsedMs > 0 && s.records > 0 ? s.records / (s.elapsedMs / 1000) : null;
}

/** Seconds left at the rate so far, when the stage's size is known; null otherwise. */
export function etaSeconds(s: StageState): number | null {
  const rate = rateOf(s);
  if (s.expected === null || rate === null) return null;
  return Math.max(0, (s.expected - s.records) / rate);
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** One stage's bar: name, bar (when the size is known), records, rate and ETA, cut to `width`. */
export function formatBar(s: StageState, width = 80): string {
  const rate = rateOf(s);
  const eta = etaSeconds(s);
  const count = s.expected !== null ? `${s.records.toLocaleString('en-US')}/${s.expected.toLocaleString('en-US')}` : s.records.toLocaleString('en-US');
  const tail = `${count} records  ${rate === null ? '–' : Math.round(rate).toLocaleString('en-US')}/s${eta === null ? '' : `  ETA ${formatSeconds(eta)}`}`;
  const name = s.stage.padEnd(12).slice(0, 12);
  if (s.expected === null || s.expected <= 0) return `${name} ${tail}`.slice(0, width);
  const barWidth = Math.max(10, Math.min(30, width - name.length - tail.length - 5));
  const filled = Math.min(barWidth, Math.round((Math.min(s.records, s.expected) / s.expected) * barWidth));
  return `${name} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${tail}`.slice(0, width);
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
