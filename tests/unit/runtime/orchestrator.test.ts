import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConveneError, InputError } from '../../../src/core/errors.js';
import { jobStatus, runTasks, topologicalOrder, type Task } from '../../../src/runtime/orchestrator.js';

const task = (name: string, deps: { needs?: string[]; uses?: string[] } = {}, fail = false, log: string[] = []): Task => ({
  name,
  ...deps,
  async run(degraded) {
    log.push(degraded.length ? `${name}(without ${degraded.join(',')})` : name);
    if (fail) throw new InputError('INPUT_NOT_FOUND', `${name}.json`, 'gone');
  },
});

test('orders components after what they depend on, declaration order breaking ties', () => {
  const order = topologicalOrder([task('identities', { needs: ['slack'] }), task('slack', { uses: ['calendars', 'people'] }), task('people'), task('calendars')]);
  assert.equal(order.map((t) => t.name), ['calendars', 'people', 'slack', 'identities']);
});

test('a dependency cycle or an unknown dependency is a configuration error naming it', () => {
  assert.throws(() => topologicalOrder([task('a', { needs: ['b'] }), task('b', { uses: ['a'] })]), (e: unknown) => e instanceof ConveneError && /a → b → a/.test(e.message));
  assert.throws(() => topologicalOrder([task('a', { needs: ['ghost'] })]), (e: unknown) => e instanceof ConveneError && /'ghost'/.test(e.message));
});

test('a failed component skips what needs it, degrades what uses it, and the job ends partial', async () => {
  const log: string[] = [];
  const results = await runTasks([
    task('calendars', {}, true, log),
    task('people', {}, false, log),
    task('slack', { uses: ['calendars', 'people'] }, false, log),
    task('report', { needs: ['calendars'] }, false, log),
  ]);
  assert.equal(log, ['calendars', 'people', 'slack(without calendars)']);
  assert.equal(results.map((r) => [r.name, r.status]), [['calendars', 'failed'], ['people', 'succeeded'], ['slack', 'degraded'], ['report', 'skipped']]);
  assert.is(results[0]!.code, 'INPUT_NOT_FOUND');
  assert.match(results[0]!.reason!, /calendars\.json: gone/);
  assert.is(jobStatus(results), 'partial');
});

test('in parallel, each component starts once its dependencies have ended', async () => {
  const events: string[] = [];
  const slow = (name: string, ms: number, deps: { needs?: string[]; uses?: string[] } = {}): Task => ({
    name,
    ...deps,
    async run() {
      events.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      events.push(`end ${name}`);
    },
  });
  await runTasks([slow('a', 20), slow('b', 5), slow('c', 1, { needs: ['a', 'b'] })], { parallel: true });
  assert.equal(events.slice(0, 2).sort(), ['start a', 'start b']);
  assert.is(events[events.length - 2], 'start c');
  assert.ok(events.indexOf('start c') > events.indexOf('end a'));
});

test('all succeeded is succeeded; nothing produced is failed', () => {
  assert.is(jobStatus([{ name: 'a', status: 'succeeded', reason: null, code: null }]), 'succeeded');
  assert.is(jobStatus([{ name: 'a', status: 'failed', reason: 'x', code: 'INTERNAL' }, { name: 'b', status: 'skipped', reason: 'y', code: null }]), 'failed');
});

test.run();
