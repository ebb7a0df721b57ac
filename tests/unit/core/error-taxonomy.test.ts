import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConveneError, ERROR_CLASSES, ERROR_CODES, isErrorCode } from '../../../src/core/errors.js';
import { repoRoot } from '../../support/paths.js';

const troubleshooting = readFileSync(join(repoRoot, 'docs', 'troubleshooting.md'), 'utf8');

test('every code in ERROR_CODES has its own section in docs/troubleshooting.md, with a cause and a fix', () => {
  for (const code of Object.keys(ERROR_CODES)) {
    const at = troubleshooting.indexOf(`\n## ${code}\n`);
    assert.ok(at >= 0, `docs/troubleshooting.md lacks a "## ${code}" section`);
    const section = troubleshooting.slice(at, troubleshooting.indexOf('\n## ', at + 4) === -1 ? undefined : troubleshooting.indexOf('\n## ', at + 4));
    assert.match(section, /\*\*Cause:\*\*/, code);
    assert.match(section, /\*\*Fix:\*\*/, code);
  }
});

test('docs/troubleshooting.md names no code that does not exist', () => {
  const named = [...troubleshooting.matchAll(/^## ([A-Z_]+)$/gm)].map((m) => m[1]!);
  for (const code of named) assert.ok(isErrorCode(code), `docs/troubleshooting.md documents ${code}, which is not in ERROR_CODES`);
});

test('every code has a class, a one-line meaning and a one-line fix; exactly the rate-limit and transient classes are retryable', () => {
  for (const [code, info] of Object.entries(ERROR_CODES)) {
    assert.ok((ERROR_CLASSES as readonly string[]).includes(info.class), code);
    for (const text of [info.message, info.hint]) {
      assert.ok(text.length > 10 && !text.includes('\n'), `${code}: ${text}`);
    }
    assert.is(info.retryable, info.class === 'rate-limit' || info.class === 'transient', code);
    assert.match(code, /^[A-Z]+(_[A-Z]+)*$/);
  }
});

test('the codes the issue names exist under their names', () => {
  for (const code of ['SLACK_AUTH', 'SLACK_RATE_LIMITED', 'SLACK_MISSING_SCOPE', 'GOOGLE_SYNC_TOKEN_EXPIRED', 'INPUT_MALFORMED_JSON', 'DB_LOCKED', 'BREAKER_OPEN']) assert.ok(isErrorCode(code), code);
});

test('an error carries its class and describes itself with subject, message, code and fix', () => {
  const e = new ConveneError('SLACK_MISSING_SCOPE', 'users.list needs the scope "users:read"', { subject: 'users.list' });
  assert.is(e.errorClass, 'scope');
  assert.is(e.retryable, false);
  assert.is(e.describe(), `users.list: users.list needs the scope "users:read" [SLACK_MISSING_SCOPE] — ${ERROR_CODES.SLACK_MISSING_SCOPE.hint}`);
});

test.run();
