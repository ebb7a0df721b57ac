import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_CELL_CHARS, toCell } from '../../../src/sinks/export/xlsx.js';

test('database values become typed spreadsheet cells', () => {
  const when = new Date('2026-03-02T09:00:00Z');
  assert.is(toCell(when), when);
  assert.is(toCell(12n), 12);
  assert.is(toCell(2.5), 2.5);
  assert.is(toCell(true), true);
  assert.is(toCell(null), null);
  assert.is(toCell(['U1', 'U2']), '["U1","U2"]');
});

test('text longer than Excel allows in a cell is clipped, not refused', () => {
  const cell = toCell('x'.repeat(MAX_CELL_CHARS + 10)) as string;
  assert.is(cell.length, MAX_CELL_CHARS);
  assert.ok(cell.endsWith('…'));
});

test.run();
