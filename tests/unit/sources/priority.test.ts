/** The order a live source reads its channels or calendars in. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { priorityOrder } from '../../../src/sources/common/priority.js';

const channels = [
  { id: 'C1', name: 'general', lastActive: 1000 },
  { id: 'C2', name: 'random', lastActive: null },
  { id: 'C3', name: 'planning', lastActive: 5000 },
  { id: 'C4', name: 'ops', lastActive: 3000 },
  { id: 'C5', name: 'design', lastActive: null },
];

test('by default the most recently active go first, the unknown last in listed order', () => {
  assert.equal(priorityOrder(channels, (c) => c, { priority: 'recent', first: [] }).map((c) => c.id), ['C3', 'C4', 'C1', 'C2', 'C5']);
});

test('listed keeps the API order', () => {
  assert.equal(priorityOrder(channels, (c) => c, { priority: 'listed', first: [] }).map((c) => c.id), ['C1', 'C2', 'C3', 'C4', 'C5']);
});

test('first names channels, by id or name, read before all others in the order given', () => {
  assert.equal(priorityOrder(channels, (c) => c, { priority: 'recent', first: ['design', 'C1'] }).map((c) => c.id), ['C5', 'C1', 'C3', 'C4', 'C2']);
});

test.run();
