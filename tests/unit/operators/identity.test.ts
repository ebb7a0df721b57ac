import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Person } from '../../../src/core/records.js';
import { IdentityIndex, normaliseName } from '../../../src/operators/identity.logic.js';
import { person } from './support.js';

function indexOf(people: Person[]): IdentityIndex {
  const index = new IdentityIndex();
  for (const p of people) index.add(p);
  return index;
}

test('maps a Slack user to the directory person by email, case-insensitively', () => {
  const index = indexOf([
    person('slack', 'U1', { email: 'Ana.Lopez@acme.test', name: 'Ana López' }),
    person('directory', 'ana.lopez@acme.test', { email: 'ana.lopez@acme.test', name: 'Ana Lopez' }),
    person('calendar', 'ana.lopez@acme.test', { email: 'ana.lopez@acme.test' }),
  ]);
  const m = index.match('slack:U1')!;
  assert.is(m.personId, 'person:ana.lopez@acme.test');
  assert.is(m.reason, 'email');
  assert.is(m.confidence, 1);
  assert.is(index.slackIdForEmail('ANA.LOPEZ@acme.test'), 'U1');
  assert.is(index.emailForSlackId('U1'), 'ana.lopez@acme.test');
});

test('maps through the people.csv slack_user_id when the Slack profile hides the email', () => {
  const index = indexOf([
    person('slack', 'U2', { name: 'Bo Chen' }),
    person('people_csv', 'bo@acme.test', { email: 'bo@acme.test', name: 'Bo Chen', slackUserId: 'U2' }),
  ]);
  assert.is(index.match('slack:U2')!.reason, 'people_csv');
  assert.is(index.emailForSlackId('U2'), 'bo@acme.test');
});

test('matches names across accents and case', () => {
  assert.is(normaliseName('  José  ÁLVAREZ-Núñez '), 'jose alvarez nunez');
  const index = indexOf([
    person('slack', 'U3', { name: 'jose alvarez' }),
    person('directory', 'jose@acme.test', { email: 'jose@acme.test', name: 'José Álvarez' }),
  ]);
  assert.equal(index.match('slack:U3'), { key: 'slack:U3', personId: 'person:jose@acme.test', confidence: 0.85, reason: 'name' });
});

test('matches nicknames such as Sam/Samantha, Bob/Robert and Liz/Elizabeth', () => {
  const index = indexOf([
    person('slack', 'U4', { name: 'Bob Smith' }),
    person('slack', 'U5', { name: 'Liz Taylor' }),
    person('directory', 'robert.smith@acme.test', { email: 'robert.smith@acme.test', name: 'Robert Smith' }),
    person('directory', 'elizabeth.taylor@acme.test', { email: 'elizabeth.taylor@acme.test', name: 'Elizabeth Taylor' }),
  ]);
  assert.is(index.match('slack:U4')!.reason, 'nickname');
  assert.is(index.emailForSlackId('U4'), 'robert.smith@acme.test');
  assert.is(index.emailForSlackId('U5'), 'elizabeth.taylor@acme.test');
});

test("matches initials such as 'Sam K.' to Samantha Kowalski", () => {
  const index = indexOf([
    person('slack', 'U6', { displayName: 'Sam K.' }),
    person('directory', 'samantha.kowalski@acme.test', { email: 'samantha.kowalski@acme.test', name: 'Samantha Kowalski' }),
  ]);
  const m = index.match('slack:U6')!;
  assert.is(m.reason, 'initials');
  assert.is(m.confidence, 0.6);
  assert.is(m.personId, 'person:samantha.kowalski@acme.test');
});

test('leaves ambiguous initials and contradicting emails unmatched', () => {
  const index = indexOf([
    person('slack', 'U7', { displayName: 'Sam K.' }),
    person('directory', 'samantha@acme.test', { email: 'samantha@acme.test', name: 'Samantha Kowalski' }),
    person('directory', 'samuel@acme.test', { email: 'samuel@acme.test', name: 'Samuel Klein' }),
    person('slack', 'U8', { email: 'john.smith@other.test', name: 'John Smith' }),
    person('directory', 'john.smith@acme.test', { email: 'john.smith@acme.test', name: 'John Smith' }),
  ]);
  assert.is(index.match('slack:U7')!.reason, 'unmatched');
  assert.is(index.match('slack:U8')!.personId, 'person:john.smith@other.test');
  assert.is(index.emailForSlackId('U8'), 'john.smith@other.test');
});

test('reaches the same final mapping whatever order people arrive in', () => {
  const people = [
    person('slack', 'U4', { name: 'Bob Smith' }),
    person('people_csv', 'bo@acme.test', { email: 'bo@acme.test', slackUserId: 'U2' }),
    person('slack', 'U2', {}),
    person('directory', 'robert.smith@acme.test', { email: 'robert.smith@acme.test', name: 'Robert Smith' }),
    person('calendar', 'robert.smith@acme.test', { email: 'Robert.Smith@acme.test' }),
  ];
  const forward = indexOf(people).all();
  const backward = indexOf([...people].reverse()).all();
  assert.equal(forward, backward);
  assert.is(forward.length, 5);
  assert.is(forward.find((m) => m.key === 'slack:U4')!.personId, 'person:robert.smith@acme.test');
});

test('improves an early answer when a later identity arrives', () => {
  const index = new IdentityIndex();
  const early = index.add(person('slack', 'U9', { name: 'Liz Taylor' }));
  assert.is(early.reason, 'unmatched');
  index.add(person('directory', 'elizabeth.taylor@acme.test', { email: 'elizabeth.taylor@acme.test', name: 'Elizabeth Taylor' }));
  assert.is(index.match('slack:U9')!.reason, 'nickname');
});

test('never matches bots by name', () => {
  const index = indexOf([
    person('slack', 'B1', { name: 'Google Calendar', isBot: true }),
    person('directory', 'gc@acme.test', { email: 'gc@acme.test', name: 'Google Calendar' }),
  ]);
  assert.is.not(index.match('slack:B1')!.personId, 'person:gc@acme.test');
});

test.run();
