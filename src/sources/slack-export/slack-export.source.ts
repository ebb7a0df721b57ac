/**
 * `slack-export`: replays a standard Slack workspace export (folder or zip). Emits people,
 * then channels, then every message of every day file, folders and files in sorted order.
 */
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import type { Logger } from '../../core/logger.js';
import type { SourceDef, Source } from '../../core/component.js';
import type { Envelope } from '../../core/envelope.js';
import type { ErrorCode } from '../../core/errors.js';
import { ERROR_CODES, InputError } from '../../core/errors.js';
import { messageKey } from '../../core/records.js';
import { fromPages } from '../../core/rx.js';
import { parseJson } from '../common/files.js';
import { chunk, EnvelopeBuilder, resumeAfter } from '../common/emit.js';
import type { FilePosition } from '../common/emit.js';
import type { DayFolder, ExportArchive } from './slack-export.archive.js';
import { CHANNEL_FILES, dayFilePath, openFolderExport, openZipExport } from './slack-export.archive.js';
import { mapSlackChannel, mapSlackUser, synthesizedChannel } from './slack-export.mapping.js';
import { dayFileMessages, readDayFile, WORKER_TEXT_CHARS, type DayFileAnswer, type DayFileRequest } from './slack-export.day-file.js';
import { defaultWorkerCount, mapOrdered } from '../common/workers/ordered-pool.js';
import { rememberAnalysis } from '../../operators/meeting-signals.logic.js';

export const SlackExportConfig = z.object({
  /** A Slack export folder, or the `.zip` as Slack hands it out. */
  path: z.string().min(1),
  workers: z
    .number()
    .int()
    .min(0)
    .max(64)
    .optional()
    .describe("Worker threads that read, parse and map day files and analyse their messages for detection; 0: all on the pipeline's thread; absent: one per core but one, at most 4 (a replay passes resources.parseWorkers)."),
});
export type SlackExportConfig = z.infer<typeof SlackExportConfig>;

const TYPE = 'slack-export';

export const slackExportSource: SourceDef<SlackExportConfig, unknown> = {
  type: TYPE,
  summary: 'Replays a Slack workspace export (folder or zip): people, channels and every message',
  config: SlackExportConfig,
  create(config, ctx): Source<unknown> {
    return {
      read: (from) => {
        const builder = new EnvelopeBuilder(TYPE, 'slack', resumeAfter(TYPE, from));
        return fromPages((signal) => readExport(config.path, builder, signal, config.workers ?? defaultWorkerCount(), ctx.logger), ctx.gate);
      },
    };
  },
};

async function openExport(path: string): Promise<ExportArchive> {
  const info = await stat(path).catch((err: unknown) => {
    throw new InputError('INPUT_NOT_FOUND', path, 'no Slack export at this path', err);
  });
  return info.isDirectory() ? openFolderExport(path) : openZipExport(path);
}

type Out = Envelope;

/** In reading order: a folder no metadata file lists (its channel is made up), or a day file. */
type DayStep = { kind: 'folder'; folder: string; position: number } | { kind: 'file'; rel: string; position: number; channelId: string };

function* dayFileSteps(folders: readonly DayFolder[], channelIdByFolder: ReadonlyMap<string, string>, firstPosition: number): Generator<DayStep> {
  let position = firstPosition;
  for (const { folder, days } of folders) {
    const known = channelIdByFolder.get(folder);
    if (known === undefined) yield { kind: 'folder', folder, position };
    const channelId = known ?? folder;
    for (const day of days) yield { kind: 'file', rel: dayFilePath(folder, day), position: position++, channelId };
  }
}

const WORKER = new URL('./slack-export.worker.js', import.meta.url);

/** A worker's error as the typed error reading in this thread would have thrown. */
function reviveError(error: { name: string; message: string; code?: string; subject?: string }): Error {
  if (error.code !== undefined && error.code.startsWith('INPUT_') && isErrorCode(error.code)) {
    return new InputError(error.code as Extract<ErrorCode, `INPUT_${string}`>, error.subject ?? '', error.message);
  }
  const revived = new Error(error.message);
  revived.name = error.name;
  return revived;
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

async function* readExport(root: string, b: EnvelopeBuilder, signal: AbortSignal, workers: number, logger: Logger): AsyncGenerator<Out[]> {
  const archive = await openExport(root);
  try {
    const has = new Set(archive.files);
    let fileIndex = 0;
    const where = (rel: string): string => `${root}/${rel}`;

    /** Read one JSON array file; a problem envelope instead when it is not one. */
    async function readArray(rel: string, position: number): Promise<{ items: unknown[] } | { problem: Out }> {
      const parsed = parseJson(await archive.read(rel));
      if (!parsed.ok) return { problem: b.problem('INPUT_MALFORMED_JSON', where(rel), null, `the file is not valid JSON (${parsed.reason})`, { file: position, entry: 0 }) };
      if (!Array.isArray(parsed.value)) return { problem: b.problem('INPUT_MALFORMED_RECORD', where(rel), null, 'the file should hold a JSON array of objects but holds something else', { file: position, entry: 0 }) };
      return { items: parsed.value };
    }

    // Authors' zones, for the workers' detection analysis (times are read in the author's zone).
    const zones: Array<[string, string | null, number | null]> = [];
    const usersFile = has.has('users.json') ? 'users.json' : has.has('org_users.json') ? 'org_users.json' : null;
    if (usersFile === null) {
      const p = { file: fileIndex, entry: 0 };
      if (b.wanted(p)) yield [b.problem('INPUT_NOT_FOUND', where('users.json'), null, 'the export has no users.json or org_users.json, so people are unknown', p)];
    } else {
      const result = await readArray(usersFile, fileIndex);
      if ('problem' in result) {
        if (b.wanted({ file: fileIndex, entry: 0 })) yield [result.problem];
      } else {
        const out: Out[] = [];
        result.items.forEach((item, i) => {
          const p = { file: fileIndex, entry: i };
          const mapped = mapSlackUser(item);
          if (mapped.ok && mapped.value.slackUserId) zones.push([mapped.value.slackUserId, mapped.value.timezone, mapped.value.tzOffsetMinutes]);
          if (!b.wanted(p)) return;
          out.push(mapped.ok ? b.record('person', mapped.value.key, 0, `${where(usersFile)}#${i}`, mapped.value, p) : b.problem('INPUT_MALFORMED_RECORD', where(usersFile), String(i), mapped.reason, p));
        });
        yield* chunk(out);
      }
    }
    fileIndex++;

    const channelIdByFolder = new Map<string, string>();
    for (const [name, kind] of CHANNEL_FILES) {
      if (!has.has(name)) {
        fileIndex++;
        continue;
      }
      if (signal.aborted) return;
      const result = await readArray(name, fileIndex);
      if ('problem' in result) {
        if (b.wanted({ file: fileIndex, entry: 0 })) yield [result.problem];
      } else {
        const out: Out[] = [];
        result.items.forEach((item, i) => {
          const p = { file: fileIndex, entry: i };
          const mapped = mapSlackChannel(item, kind);
          if (mapped.ok) {
            channelIdByFolder.set(mapped.value.id, mapped.value.id);
            // Folders are named after channels (public, private, mpim); DMs after their id.
            if (kind !== 'im') channelIdByFolder.set(mapped.value.name, mapped.value.id);
          }
          if (!b.wanted(p)) return;
          const eventTime = mapped.ok ? (mapped.value.created ?? 0) : 0;
          out.push(mapped.ok ? b.record('channel', mapped.value.id, eventTime, `${where(name)}#${i}`, mapped.value, p) : b.problem('INPUT_MALFORMED_RECORD', where(name), String(i), mapped.reason, p));
        });
        yield* chunk(out);
      }
      fileIndex++;
    }

    // Day files are read, parsed and mapped by worker threads (in order, a bounded number
    // ahead); envelopes, positions and problems are made here as before.
    const steps = dayFileSteps(archive.folders, channelIdByFolder, fileIndex);
    const request = async (step: DayStep): Promise<DayFileRequest | null> => {
      // Skip whole files already delivered before the resume point without reading them.
      if (step.kind !== 'file' || !b.wanted({ file: step.position, entry: Number.MAX_SAFE_INTEGER })) return null;
      return archive.pathOf ? { path: archive.pathOf(step.rel), channelId: step.channelId } : { text: await archive.read(step.rel), channelId: step.channelId };
    };
    const answers = mapOrdered<DayStep, DayFileRequest, DayFileAnswer>(steps, request, {
      script: WORKER,
      workers,
      inline: (r) => readDayFile(r),
      inlineIf: (r) => 'text' in r && r.text.length > WORKER_TEXT_CHARS,
      workerData: { zones },
      reviveError,
    });
    for await (const [step, given] of answers) {
      if (signal.aborted) return;
      if (step.kind === 'folder') {
        const { folder, position } = step;
        const synth = synthesizedChannel(folder);
        const out: Out[] = [];
        const first: FilePosition = { file: position, entry: -2 };
        const second: FilePosition = { file: position, entry: -1 };
        if (b.wanted(first)) out.push(b.record('channel', synth.id, 0, `${root}/${folder}`, synth, first));
        if (b.wanted(second)) {
          out.push(b.problem('INPUT_MALFORMED_RECORD', `${root}/${folder}`, null, `the folder "${folder}" is not listed in channels.json, groups.json, dms.json or mpims.json; its messages were read with the folder name as channel id`, second));
        }
        if (out.length > 0) yield out;
        continue;
      }
      if (given === null) continue;
      const { rel, position, channelId } = step;
      // A file too large for a worker's heap is read here. Its request is made again (a path, or
      // from a zip the entry read again, at most 1 MiB: see WORKER_TEXT_CHARS) rather than kept
      // for every request in flight, where zip texts would wait in this thread's heap.
      if (given.kind === 'too-large') logger.debug({ component: TYPE, file: where(rel) }, "day file read in the pipeline's thread: too large for a parse worker's heap");
      const answer = given.kind === 'too-large' ? await readDayFile((await request(step))!) : given;
      if (answer.kind === 'malformed-json') {
        if (b.wanted({ file: position, entry: 0 })) yield [b.problem('INPUT_MALFORMED_JSON', where(rel), null, `the file is not valid JSON (${answer.reason})`, { file: position, entry: 0 })];
        continue;
      }
      if (answer.kind === 'not-array') {
        if (b.wanted({ file: position, entry: 0 })) yield [b.problem('INPUT_MALFORMED_RECORD', where(rel), null, 'the file should hold a JSON array of objects but holds something else', { file: position, entry: 0 })];
        continue;
      }
      const out: Out[] = [];
      const { items, analyses } = dayFileMessages(answer);
      items.forEach((mapped, i) => {
        const p = { file: position, entry: i };
        if (!b.wanted(p)) return;
        const analysis = mapped.ok ? analyses?.[i] : null;
        if (mapped.ok && analysis) rememberAnalysis(mapped.value, analysis);
        out.push(
          mapped.ok
            ? b.record('message', messageKey(channelId, mapped.value.ts), mapped.value.time, `${where(rel)}#${i}`, mapped.value, p)
            : b.problem('INPUT_MALFORMED_RECORD', where(rel), String(i), mapped.reason, p),
        );
      });
      yield* chunk(out);
    }
  } finally {
    archive.close();
  }
}
