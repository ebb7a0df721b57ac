import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convene } from '../support/cli.js';
import { scratch } from '../support/paths.js';

test('--help lists every command and exits 0', () => {
  const r = convene(['--help']);
  assert.is(r.status, 0);
  for (const cmd of ['generate', 'replay', 'eval', 'query', 'validate', 'demo']) assert.match(r.stdout, new RegExp(`\\b${cmd}\\b`));
});

test('every command has its own --help', () => {
  for (const cmd of ['generate', 'replay', 'eval', 'query', 'validate', 'demo']) {
    const r = convene([cmd, '--help']);
    assert.is(r.status, 0, `${cmd} --help exited ${r.status}`);
    assert.match(r.stdout, /Usage: convene/);
  }
});

test('an unknown command is a usage error with exit code 2', () => {
  const r = convene(['frobnicate']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});

test('an unknown flag is a usage error with exit code 2', () => {
  const r = convene(['query', 'select 1', '--colour', 'red']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /unknown option '--colour'/);
});

test('a bad flag value is a usage error naming the flag', () => {
  const r = convene(['generate', '--out', scratch(), '--scale', 'big']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /--scale must be a number/);
});

test('a missing bundle fails with a message naming the path', () => {
  const missing = join(scratch(), 'nowhere');
  const r = convene(['replay', missing, '--db', join(scratch(), 'x.duckdb')]);
  assert.is(r.status, 1);
  assert.ok(r.stderr.includes(missing), r.stderr);
  assert.match(r.stderr, /INPUT_NOT_FOUND/);
});

test('query on a missing database says how to create one', () => {
  const r = convene(['query', 'select 1', '--db', join(scratch(), 'none.duckdb')]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /run `convene replay` first/);
});

test.run();
