import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { anomalies, deviation, median } from '../../../src/serve/trends.js';

test('the median of an even count is the mean of the middle two', () => {
  assert.is(median([4, 1, 3, 2]), 2.5);
  assert.is(median([5, 1, 3]), 3);
  assert.ok(Number.isNaN(median([])));
});

test('a value more than 3 MAD from the median of the runs before it is an anomaly; one within is not', () => {
  const history = [100, 104, 98, 101, 97, 103, 99, 102];
  // median 100.5, MAD 2
  assert.is(deviation(100, history).anomaly, false);
  assert.is(deviation(106, history).anomaly, false);
  const slow = deviation(40, history);
  assert.is(slow.anomaly, true);
  assert.is(slow.median, 100.5);
  assert.is(slow.mad, 2);
  assert.is(slow.score, 30.25);
});

test('one outlier in the window does not hide the next one (the median is robust)', () => {
  const marks = anomalies([100, 101, 99, 100, 102, 98, 5, 100, 7]).map((d) => d.anomaly);
  assert.equal(marks, [false, false, false, false, false, false, true, false, true]);
});

test('too little history flags nothing; identical history flags any real change', () => {
  assert.is(deviation(1, [100, 100, 100]).anomaly, false);
  assert.is(deviation(100, [100, 100, 100, 100, 100]).anomaly, false);
  assert.is(deviation(100.5, [100, 100, 100, 100, 100]).anomaly, false, 'within 1 %');
  assert.is(deviation(90, [100, 100, 100, 100, 100]).anomaly, true);
  assert.is(deviation(0.01, [0, 0, 0, 0, 0]).anomaly, true, 'an error rate appearing where there were none');
});

test.run();
