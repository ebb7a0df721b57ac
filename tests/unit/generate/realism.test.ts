/** The generator's calendars behave like people's: an organizer books a slot that is free on their calendar. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planOneOffs } from '../../../src/generate/calendar.js';
import { buildOrg } from '../../../src/generate/org.js';
import { Rng } from '../../../src/generate/rng.js';

test('an organizer books a one-off meeting only where their calendar has no meeting booked before it', () => {
  const org = buildOrg(new Rng(11, 'convene').fork('org'), 60, Math.floor(Date.parse('2026-03-02T08:00:00Z') / 1000));
  let meetings = 0;
  for (let day = 0; day < 20; day++) {
    const planned = planOneOffs(new Rng(11, 'convene').fork(`plan:${day}`), org, '2026-03-02', day, 0.8);
    meetings += planned.length;
    for (const [i, e] of planned.entries()) {
      const clash = planned.slice(0, i).find((o) => o.start < e.end && e.start < o.end && o.attendees.some((a) => a.idx === e.organizer));
      assert.is(clash, undefined, `${e.summary} at ${new Date(e.start).toISOString()} overlaps ${clash?.summary}`);
    }
  }
  assert.ok(meetings > 300, `only ${meetings} meetings planned`);
});

test.run();
