import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repairTypos } from '../../../src/operators/typos.logic.js';

test('reads a word with two neighbouring letters swapped as the word it slipped from', () => {
  assert.is(repairTypos('roadmpa review at 16:15, wehre is everyone?'), 'roadmap review at 16:15, where is everyone?');
  assert.is(repairTypos('killnig 1:1 friday'), 'killing 1:1 friday');
});

test('leaves words it does not know, short words and the first letter alone, and keeps the length', () => {
  const text = 'the trial of the new form, uspet';
  assert.is(repairTypos(text), text);
  // "otnes" would need its first letter moved: not a slip this repairs.
  assert.is(repairTypos('otnes are up'), 'otnes are up');
  const slipped = 'mniutes from hiring sync posted';
  assert.is(repairTypos(slipped).length, slipped.length);
});

test.run();
