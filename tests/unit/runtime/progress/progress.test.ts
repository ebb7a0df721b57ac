/** Progress: bars with rate and ETA on a terminal, one line per step elsewhere, JSON steps for collectors. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cliProgress, textLogLine } from '../../../../src/cli/log.js';
import { barProgress } from '../../../../src/runtime/progress/bars.js';
import { etaSeconds, formatBar, jsonProgress, rateOf } from '../../../../src/runtime/progress/progress.js';

test('rate and ETA come from the records read so far and the size an earlier run read', () => {
  const s = { stage: 'slack', records: 2500, expected: 10_000, elapsedMs: 5000 };
  assert.is(rateOf(s), 500);
  assert.is(etaSeconds(s), 15);
  assert.is(etaSeconds({ ...s, expected: null }), null, 'no ETA without a known size');
  assert.is(rateOf({ ...s, records: 0 }), null);
});

test('a bar shows the share done, the count against the size, the rate and the ETA', () => {
  const line = formatBar({ stage: 'slack', records: 2500, expected: 10_000, elapsedMs: 5000 }, 100);
  assert.match(line, /^slack\s+\[#+-+\] 2,500\/10,000 records {2}500\/s {2}ETA 15 s$/);
  const filled = /\[(#*)(-*)\]/.exec(line)!;
  const width = filled[1]!.length + filled[2]!.length;
  assert.is(filled[1]!.length, Math.round(width / 4));
  // Without a known size: no bar and no ETA, only the count and the rate.
  assert.is(formatBar({ stage: 'people', records: 12, expected: null, elapsedMs: 2000 }, 100), 'people       12 records  6/s');
});

test('the terminal renderer redraws bars in place and prints steps above them', () => {
  let out = '';
  let now = 0;
  const p = barProgress({ write: (s: string) => (out += s), columns: 100 }, { now: () => now, intervalMs: 100 });
  p.begin('slack', 1000);
  now = 1000;
  p.advance('slack', 500);
  assert.match(out, /slack\s+\[#+-+\] 500\/1,000 records {2}500\/s {2}ETA 1 s\n$/);
  const before = out.length;
  now = 1050;
  p.advance('slack', 520);
  assert.is(out.length, before, 'redraws are throttled');
  p.note('drive      read 32 drive_file in 0.1 s');
  // The bar is cleared (cursor up, erase line), the step printed, the bar drawn again below it.
  assert.ok(out.slice(before).startsWith('\x1b[1A\x1b[2K\n\x1b[1Adrive      read 32 drive_file in 0.1 s\nslack'));
  p.end('slack', { records: 1000, seconds: 2 });
  p.close();
  assert.ok(out.endsWith('\x1b[1A\x1b[2K\n\x1b[1A'), 'the last bar is erased when the stage ends');
});

test('JSON steps: every line is one object with time, level and message', () => {
  const lines: string[] = [];
  const p = jsonProgress((l) => lines.push(l), () => Date.UTC(2026, 0, 2));
  p.begin('slack', 100);
  p.end('slack', { records: 100, seconds: 2 });
  p.note('slack      read 100 message in 2.0 s');
  const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(parsed[1], { time: '2026-01-02T00:00:00.000Z', level: 'info', msg: 'stage ended', stage: 'slack', records: 100, seconds: 2, rate: 50 });
  assert.is(parsed[2]!['msg'], 'slack      read 100 message in 2.0 s');
});

test('the CLI picks bars on a terminal, lines elsewhere, JSON when asked, nothing when quiet', () => {
  const capture = (isTTY: boolean): { out: string[]; stream: { write(s: string): boolean; isTTY: boolean; columns: number } } => {
    const out: string[] = [];
    return { out, stream: { write: (s: string) => out.push(s) > 0, isTTY, columns: 80 } };
  };
  const tty = capture(true);
  const onTty = cliProgress({ stream: tty.stream, format: 'text' });
  onTty.reporter.begin('slack', 10);
  onTty.print('a step');
  assert.ok(tty.out.join('').includes('\x1b['), 'a terminal gets redrawn bars');

  const pipe = capture(false);
  const onPipe = cliProgress({ stream: pipe.stream, format: 'text' });
  onPipe.reporter.begin('slack', 10);
  onPipe.print('a step');
  assert.equal(pipe.out, ['a step\n'], 'a pipe gets one line per step and no escape codes');

  const json = capture(true);
  cliProgress({ stream: json.stream, format: 'json' }).print('a step');
  assert.is((JSON.parse(json.out[0]!) as { msg: string }).msg, 'a step');

  const quiet = capture(true);
  const q = cliProgress({ stream: quiet.stream, quiet: true });
  q.reporter.begin('slack', 10);
  q.print('a step');
  assert.equal(quiet.out, []);
});

test('text logs: level, component, message and fields on one line', () => {
  const line = textLogLine(JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 2), component: 'memory-ceiling', msg: 'intake paused', ceilingMB: 512, note: 'two words' }));
  assert.is(line, '2026-01-02T00:00:00.000Z WARN  [memory-ceiling] intake paused ceilingMB=512 note="two words"');
});

test.run();
