import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { retryAfterOf } from '../../../../src/runtime/limits/call-gate.js';
import { translateGoogleError } from '../../../../src/sources/google-api/google-api.errors.js';
import { translateSlackError } from '../../../../src/sources/slack-web/slack-web.errors.js';
import { slackWebPositionOf } from '../../../../src/sources/slack-web/slack-web.position.js';
import { channelKindOf, shiftTs } from '../../../../src/sources/slack-web/slack-web.mapping.js';

const platform = (error: string, extra: Record<string, unknown> = {}) => ({ code: 'slack_webapi_platform_error', message: `An API error occurred: ${error}`, data: { ok: false, error, ...extra } });

test('Slack platform errors become codes that say whether to stop, skip or retry', () => {
  const cases: Array<[unknown, string, boolean]> = [
    [platform('invalid_auth'), 'SLACK_AUTH', false],
    [platform('token_revoked'), 'SLACK_AUTH', false],
    [platform('missing_scope', { needed: 'groups:history' }), 'SLACK_MISSING_SCOPE', false],
    [platform('not_in_channel'), 'SLACK_NOT_IN_CHANNEL', false],
    [platform('channel_not_found'), 'SLACK_CHANNEL_NOT_FOUND', false],
    [platform('internal_error'), 'SLACK_UNAVAILABLE', true],
    [platform('invalid_cursor'), 'SLACK_API_ERROR', false],
    [{ code: 'slack_webapi_http_error', statusCode: 503 }, 'SLACK_UNAVAILABLE', true],
    [{ code: 'slack_webapi_request_error', message: 'socket hang up' }, 'SLACK_UNAVAILABLE', true],
    [{ code: 'slack_webapi_rate_limited_error', retryAfter: 7 }, 'SLACK_RATE_LIMITED', true],
  ];
  for (const [err, code, retryable] of cases) {
    const e = translateSlackError(err, 'conversations.history', 'C1');
    assert.is(e.code, code, JSON.stringify(err));
    assert.is(e.retryable, retryable, code);
    assert.is(e.subject, 'C1');
  }
  assert.match(translateSlackError(platform('missing_scope', { needed: 'groups:history' }), 'conversations.history', 'C1').message, 'groups:history');
  assert.is(retryAfterOf(translateSlackError({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 }, 'm', 's')), 7000);
});

const gaxios = (status: number | undefined, reason?: string, retryAfter?: string) => ({
  message: 'request failed',
  status,
  response: status === undefined ? undefined : { status, headers: retryAfter ? { 'retry-after': retryAfter } : {}, data: { error: { code: status, errors: reason ? [{ reason }] : [] } } },
});

test('Google errors: 410 is a stale sync token, 403 rateLimitExceeded and 429 back off, 401 stops', () => {
  const cases: Array<[unknown, string, boolean]> = [
    [gaxios(410, 'fullSyncRequired'), 'GOOGLE_SYNC_TOKEN_EXPIRED', false],
    [gaxios(403, 'rateLimitExceeded'), 'GOOGLE_RATE_LIMITED', true],
    [gaxios(403, 'userRateLimitExceeded'), 'GOOGLE_RATE_LIMITED', true],
    [gaxios(429, 'rateLimitExceeded', '3'), 'GOOGLE_RATE_LIMITED', true],
    [gaxios(403, 'forbidden'), 'GOOGLE_AUTH', false],
    [gaxios(401, 'authError'), 'GOOGLE_AUTH', false],
    [gaxios(404, 'notFound'), 'GOOGLE_NOT_FOUND', false],
    [gaxios(503, 'backendError'), 'GOOGLE_UNAVAILABLE', true],
    [gaxios(undefined), 'GOOGLE_UNAVAILABLE', true],
    [gaxios(400, 'invalid'), 'GOOGLE_API_ERROR', false],
  ];
  for (const [err, code, retryable] of cases) {
    const e = translateGoogleError(err, 'calendar events.list', 'ana@acme.test');
    assert.is(e.code, code, JSON.stringify(err));
    assert.is(e.retryable, retryable, code);
  }
  assert.is(retryAfterOf(translateGoogleError(gaxios(429, 'rateLimitExceeded', '3'), 'm', 's')), 3000);
  assert.is(retryAfterOf(translateGoogleError(gaxios(403, 'rateLimitExceeded'), 'm', 's')), null);
});

test('a slack-web cursor from another source, or malformed, resumes from the start; well-formed channels are kept', () => {
  assert.equal(slackWebPositionOf('slack-web', undefined), { channels: {} });
  assert.equal(slackWebPositionOf('slack-web', { source: 'slack-export', position: { file: 1, entry: 2 } }), { channels: {} });
  const position = { channels: { C1: { latest: '1.000001', threads: { '1.000001': '2|1.000009' } }, C2: { latest: 5 }, C3: { latest: null, threads: {}, scan: { upper: '9.000000', below: '3.000000' } } } };
  assert.equal(Object.keys(slackWebPositionOf('slack-web', { source: 'slack-web', position }).channels).sort(), ['C1', 'C3']);
  // The cursor survives a JSON round trip unchanged, as the runtime persists it.
  assert.equal(slackWebPositionOf('slack-web', JSON.parse(JSON.stringify({ source: 'slack-web', position }))).channels['C1'], position.channels.C1);
});

test('conversation kinds come from the list flags, and ts arithmetic keeps six decimals', () => {
  assert.is(channelKindOf({ is_im: true }), 'im');
  assert.is(channelKindOf({ is_mpim: true, is_private: true }), 'mpim');
  assert.is(channelKindOf({ is_private: true }), 'private');
  assert.is(channelKindOf({ is_channel: true }), 'public');
  assert.is(shiftTs('1773141365.000129', -86_400), '1773054965.000129');
  assert.is(shiftTs('10.000000', -20), '0.000000');
});

test.run();
