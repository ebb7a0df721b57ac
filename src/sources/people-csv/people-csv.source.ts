/** `people-csv`: reads the optional people.csv directory of a bundle. */
import { z } from 'zod';
import type { Source, SourceDef } from '../../core/component.js';
import type { Envelope } from '../../core/envelope.js';
import { fromPages } from '../../core/rx.js';
import { chunk, EnvelopeBuilder, resumeAfter } from '../common/emit.js';
import { readText } from '../common/files.js';
import { headerIndex, mapPeopleRow, parseCsv } from './people-csv.mapping.js';

export const PeopleCsvConfig = z.object({
  /** A CSV file with header email,name,slack_user_id,department,title,manager_email,timezone. */
  path: z.string().min(1),
});
export type PeopleCsvConfig = z.infer<typeof PeopleCsvConfig>;

const TYPE = 'people-csv';

export const peopleCsvSource: SourceDef<PeopleCsvConfig, unknown> = {
  type: TYPE,
  summary: 'Reads people.csv (email, name, Slack id, department, title, manager, timezone)',
  config: PeopleCsvConfig,
  create(config, ctx): Source<unknown> {
    return {
      read: (from) => {
        const b = new EnvelopeBuilder(TYPE, 'people_csv', resumeAfter(TYPE, from));
        return fromPages((signal) => readPeople(config.path, b, signal), ctx.gate);
      },
    };
  },
};

async function* readPeople(path: string, b: EnvelopeBuilder, signal: AbortSignal): AsyncGenerator<Envelope[]> {
  const { rows, unterminatedAt } = parseCsv(await readText(path));
  if (signal.aborted) return;
  const out: Envelope[] = [];
  const [header, ...body] = rows;
  if (header === undefined) {
    if (b.wanted({ file: 0, entry: 0 })) yield [b.problem('INPUT_MALFORMED_CSV', path, 'line 1', 'the file is empty; it needs at least the header line', { file: 0, entry: 0 })];
    return;
  }
  const index = headerIndex(header.fields);
  if (!index.ok) {
    if (b.wanted({ file: 0, entry: 0 })) yield [b.problem('INPUT_MALFORMED_CSV', path, 'line 1', index.reason, { file: 0, entry: 0 })];
    return;
  }
  for (const row of body) {
    const position = { file: 0, entry: row.line };
    if (!b.wanted(position)) continue;
    const mapped = mapPeopleRow(row.fields, index.value);
    out.push(mapped.ok ? b.record('person', mapped.value.key, 0, `${path}#${row.line}`, mapped.value, position) : b.problem('INPUT_MALFORMED_CSV', path, `line ${row.line}`, mapped.reason, position));
  }
  if (unterminatedAt !== null) {
    const position = { file: 0, entry: Number.MAX_SAFE_INTEGER };
    if (b.wanted(position)) out.push(b.problem('INPUT_MALFORMED_CSV', path, `line ${unterminatedAt}`, 'a quoted field opened here is never closed; the rest of the file was not read', position));
  }
  yield* chunk(out);
}
