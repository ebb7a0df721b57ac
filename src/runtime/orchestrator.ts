/**
 * Runs a job's components in dependency order, and keeps one failure from taking down the rest.
 *
 * Each task names the tasks it needs (`needs`: without them it cannot run and is skipped) and
 * those it merely uses (`uses`: without them it runs degraded, and says so). Tasks run
 * sequentially in a topological order (ties broken by declaration order), or, with
 * `parallel`, each as soon as what it depends on has ended.
 */
import { ConveneError, toConveneError } from '../core/errors.js';
import { liveStatus } from './telemetry/live-status.js';

export interface Task {
  readonly name: string;
  readonly needs?: readonly string[];
  readonly uses?: readonly string[];
  /** `degraded` lists the used tasks that failed or were skipped. */
  run(degraded: readonly string[]): Promise<void>;
}

export type TaskStatus = 'succeeded' | 'degraded' | 'failed' | 'skipped';

export interface TaskResult {
  name: string;
  status: TaskStatus;
  /** Why it failed, was skipped or is degraded. */
  reason: string | null;
  code: string | null;
}

export type JobStatus = 'succeeded' | 'partial' | 'failed';

/** Orders tasks so that each comes after everything it depends on; rejects unknown names and cycles. */
export function topologicalOrder(tasks: readonly Task[]): Task[] {
  const byName = new Map(tasks.map((t) => [t.name, t]));
  for (const t of tasks) {
    for (const d of [...(t.needs ?? []), ...(t.uses ?? [])]) {
      if (!byName.has(d)) throw new ConveneError('CONFIG_INVALID', `component '${t.name}' depends on '${d}', which is not part of this job`, { subject: t.name });
    }
  }
  const order: Task[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: Task, path: string[]): void => {
    if (state.get(t.name) === 'done') return;
    if (state.get(t.name) === 'visiting') throw new ConveneError('CONFIG_INVALID', `components depend on each other in a cycle: ${[...path, t.name].join(' → ')}`, { subject: t.name });
    state.set(t.name, 'visiting');
    for (const d of [...(t.needs ?? []), ...(t.uses ?? [])]) visit(byName.get(d)!, [...path, t.name]);
    state.set(t.name, 'done');
    order.push(t);
  };
  for (const t of tasks) visit(t, []);
  return order;
}

export async function runTasks(tasks: readonly Task[], options: { parallel?: boolean; onResult?: (r: TaskResult) => void } = {}): Promise<TaskResult[]> {
  const order = topologicalOrder(tasks);
  const results = new Map<string, TaskResult>();
  const ok = (name: string): boolean => {
    const s = results.get(name)?.status;
    return s === 'succeeded' || s === 'degraded';
  };
  const runOne = async (t: Task): Promise<void> => {
    const missing = (t.needs ?? []).filter((d) => !ok(d));
    let result: TaskResult;
    if (missing.length > 0) {
      result = { name: t.name, status: 'skipped', reason: `needs ${missing.join(', ')}, which did not complete`, code: null };
    } else {
      const degraded = (t.uses ?? []).filter((d) => !ok(d));
      try {
        await t.run(degraded);
        result = degraded.length
          ? { name: t.name, status: 'degraded', reason: `ran without ${degraded.join(', ')}`, code: null }
          : { name: t.name, status: 'succeeded', reason: null, code: null };
      } catch (err) {
        const e = toConveneError(err);
        result = { name: t.name, status: 'failed', reason: e.describe(), code: e.code };
      }
    }
    results.set(t.name, result);
    if (result.status === 'failed') liveStatus.failure(t.name, result.code ?? 'INTERNAL');
    options.onResult?.(result);
  };

  if (!options.parallel) {
    for (const t of order) await runOne(t);
  } else {
    const done = new Map<string, Promise<void>>();
    for (const t of order) {
      const deps = [...(t.needs ?? []), ...(t.uses ?? [])].map((d) => done.get(d)!);
      done.set(t.name, Promise.all(deps).then(() => runOne(t)));
    }
    await Promise.all(done.values());
  }
  return order.map((t) => results.get(t.name)!);
}

/** succeeded: every task succeeded; failed: none produced anything; partial: in between. */
export function jobStatus(results: readonly TaskResult[]): JobStatus {
  if (results.every((r) => r.status === 'succeeded')) return 'succeeded';
  if (results.every((r) => r.status === 'failed' || r.status === 'skipped')) return 'failed';
  return 'partial';
}
