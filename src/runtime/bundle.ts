/**
 * Finds the parts of a replay bundle (shared/spec/bundle.md) and merges them with parts given
 * by flag. Every path is checked before anything is read.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';

export interface ReplayInputs {
  slack: string | null;
  calendars: string[];
  drive: string[];
  directory: string[];
  people: string | null;
}

export function discoverBundle(dir: string): ReplayInputs {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError('INPUT_NOT_FOUND', dir, 'no bundle folder here');
  }
  const slackDir = join(dir, 'slack');
  const slackZip = join(dir, 'slack.zip');
  const slack = existsSync(slackDir) ? slackDir : existsSync(slackZip) ? slackZip : null;
  const sub = (p: string): string[] => (existsSync(join(dir, p)) ? [join(dir, p)] : []);
  const people = join(dir, 'people.csv');
  return {
    slack,
    calendars: sub('google/calendar'),
    drive: sub('google/drive'),
    directory: sub('google/directory'),
    people: existsSync(people) ? people : null,
  };
}

export function mergeInputs(bundle: ReplayInputs | null, flags: Partial<ReplayInputs>): ReplayInputs {
  const merged: ReplayInputs = {
    slack: flags.slack ?? bundle?.slack ?? null,
    calendars: [...(bundle?.calendars ?? []), ...(flags.calendars ?? [])],
    drive: [...(bundle?.drive ?? []), ...(flags.drive ?? [])],
    directory: [...(bundle?.directory ?? []), ...(flags.directory ?? [])],
    people: flags.people ?? bundle?.people ?? null,
  };
  for (const p of [merged.slack, merged.people, ...merged.calendars, ...merged.drive, ...merged.directory]) {
    if (p !== null && !existsSync(p)) throw new InputError('INPUT_NOT_FOUND', p, 'no such file or folder');
  }
  if (merged.slack === null) {
    throw new InputError('INPUT_NOT_FOUND', bundle ? 'bundle' : '--slack', 'no Slack export found: a bundle needs slack/ or slack.zip, or pass --slack PATH');
  }
  return merged;
}
