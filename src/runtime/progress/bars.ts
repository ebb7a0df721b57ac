/**
 * Progress bars on a terminal: one line per running stage, redrawn in place at most every
 * `intervalMs`; steps are printed above the bars and stay.
 */
import { formatBar, type Progress, type StageState } from './progress.js';

export interface TerminalStream {
  write(s: string): unknown;
  columns?: number;
}

export function barProgress(stream: TerminalStream, options: { now?: () => number; intervalMs?: number } = {}): Progress {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 100;
  const stages = new Map<string, { started: number; records: number; expected: number | null }>();
  let drawn = 0;
  let lastDraw = 0;

  const clear = (): string => (drawn > 0 ? `\x1b[${drawn}A` + '\x1b[2K\n'.repeat(drawn) + `\x1b[${drawn}A` : '');
  const bars = (): string => {
    const t = now();
    const width = Math.max(40, (stream.columns || 80) - 1);
    const lines = [...stages.entries()].map(([stage, s]): string => formatBar({ stage, records: s.records, expected: s.expected, elapsedMs: t - s.started } satisfies StageState, width));
    drawn = lines.length;
    return lines.map((l) => l + '\n').join('');
  };
  const redraw = (force: boolean): void => {
    const t = now();
    if (!force && t - lastDraw < intervalMs) return;
    lastDraw = t;
    stream.write(clear() + bars());
  };

  return {
    begin(stage, expected) {
      stages.set(stage, { started: now(), records: 0, expected });
      redraw(true);
    },
    advance(stage, records) {
      const s = stages.get(stage);
      if (!s) return;
      s.records = records;
      redraw(false);
    },
    end(stage) {
      stages.delete(stage);
      redraw(true);
    },
    note(line) {
      stream.write(clear() + line + '\n' + bars());
    },
    close() {
      stream.write(clear());
      drawn = 0;
    },
  };
}
