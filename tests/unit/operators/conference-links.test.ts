import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { conferenceKey, findConferenceLinks } from '../../../src/operators/conference-links.logic.js';

test('keys a Zoom meeting by its id whatever the subdomain and passcode', () => {
  assert.is(conferenceKey('https://acme.zoom.us/j/123456789?pwd=abc'), 'zoom:123456789');
  assert.is(conferenceKey('https://zoom.us/j/123456789'), 'zoom:123456789');
  assert.is(conferenceKey('https://us02web.zoom.us/w/123456789'), 'zoom:123456789');
});

test('keys a Zoom personal room by its name', () => {
  assert.is(conferenceKey('https://acme.zoom.us/my/ana.k'), 'zoom:my/ana.k');
});

test('keys Google Meet, Teams and Google Calendar links', () => {
  assert.is(conferenceKey('https://meet.google.com/abc-defg-hij?authuser=0'), 'meet:abc-defg-hij');
  assert.match(conferenceKey('https://teams.microsoft.com/l/meetup-join/19%3ameeting_ABC%40thread.v2/0?context=x') ?? '', /^teams:19:meeting_abc@thread\.v2$/);
  assert.is(conferenceKey('https://calendar.google.com/calendar/event?eid=XYZ123'), 'gcal:XYZ123');
  assert.is(conferenceKey('https://acme.webex.com/meet/ana'), 'webex:acme.webex.com/meet/ana');
});

test('ignores ordinary links', () => {
  assert.is(conferenceKey('https://github.com/acme/app/pull/1'), null);
  assert.is(conferenceKey('https://zoom.us/pricing'), null);
  assert.is(conferenceKey('not a url'), null);
});

test('finds links in the URL list and in text, bare Meet codes included, once each', () => {
  const found = findConferenceLinks(['https://acme.zoom.us/j/123456789?pwd=x', 'https://github.com/x'], 'join https://zoom.us/j/123456789 or meet.google.com/abc-defg-hij.');
  assert.equal(found, ['https://acme.zoom.us/j/123456789', 'https://meet.google.com/abc-defg-hij']);
});

test('matches a Slack link with the same meeting in an event', () => {
  assert.is(conferenceKey(findConferenceLinks([], '<https://meet.google.com/abc-defg-hij|meet.google.com/abc-defg-hij>')[0]!), conferenceKey('https://meet.google.com/abc-defg-hij'));
});

test.run();
