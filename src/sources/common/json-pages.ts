/**
 * Reading Google list responses from files: each file holds one response object or a JSON
 * array of pages, and each page holds its items under one field (`files`, `users`, ...).
 */
import type { Envelope } from '../../core/envelope.js';
import { chunk } from './emit.js';
import type { EnvelopeBuilder, FilePosition } from './emit.js';
import { isRecord, listInputFiles, parseJson, readText } from './files.js';

export type ItemMapper = (item: unknown, origin: string, position: FilePosition) => Envelope | { reason: string };

export async function* readListResponses(paths: readonly string[], field: string, b: EnvelopeBuilder, signal: AbortSignal, map: ItemMapper): AsyncGenerator<Envelope[]> {
  const files = await listInputFiles(paths, ['.json']);
  for (const [fileIndex, file] of files.entries()) {
    if (signal.aborted) return;
    if (!b.wanted({ file: fileIndex, entry: Number.MAX_SAFE_INTEGER })) continue;
    const parsed = parseJson(await readText(file));
    const first = { file: fileIndex, entry: 0 };
    if (!parsed.ok) {
      if (b.wanted(first)) yield [b.problem('INPUT_MALFORMED_JSON', file, null, `the file is not valid JSON (${parsed.reason})`, first)];
      continue;
    }
    const pages = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
    if (!pages.every((p) => isRecord(p) && (p[field] === undefined || Array.isArray(p[field])))) {
      if (b.wanted(first)) yield [b.problem('INPUT_MALFORMED_RECORD', file, null, `expected a list response ({"${field}": [...]}) or an array of them`, first)];
      continue;
    }
    const items = pages.flatMap((p) => ((p as Record<string, unknown>)[field] as unknown[] | undefined) ?? []);
    const out: Envelope[] = [];
    items.forEach((item, entry) => {
      const position = { file: fileIndex, entry };
      if (!b.wanted(position)) return;
      const result = map(item, `${file}#${entry}`, position);
      out.push('reason' in result ? b.problem('INPUT_MALFORMED_RECORD', file, String(entry), result.reason, position) : result);
    });
    yield* chunk(out);
  }
}
