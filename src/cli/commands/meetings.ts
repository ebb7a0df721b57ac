/**
 * `convene meetings [filters] [--format table|json|csv]`: the meetings a person asks for, with
 * their coordination figures. Also home of the filter flags every filtering command shares
 * (meetings, messages, export), so they are spelled and checked the same everywhere.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError, UsageError } from '../../core/errors.js';
import type { Database, SqlParam } from '../../sinks/duckdb/database.js';
import { FilterError, meetingListQuery, parseFilters, type Filters } from '../../sinks/search/filters.js';
import { dbOption, formatOption, number } from '../options.js';
import { formatRows } from '../output.js';
import type { RegisterCommand } from './registry.js';

export interface FilterFlags {
  from?: string;
  to?: string;
  channel?: string;
  person?: string;
  team?: string;
  kind?: string;
  minCost?: number;
  search?: string;
  limit?: number;
  offset?: number;
}

/** Adds --from … --offset to a command. */
export function addFilterOptions(cmd: Command, kinds: string): Command {
  return cmd
    .option('--from <when>', 'from this day (YYYY-MM-DD, UTC) or ISO date-time')
    .option('--to <when>', 'up to this day (inclusive) or ISO date-time')
    .option('--channel <channel>', 'a channel id or name (#name or name)')
    .option('--person <who>', 'a Slack user id, an email or a name')
    .option('--team <department>', 'a department from the directory')
    .option('--kind <kind>', kinds)
    .option('--min-cost <minutes>', 'only meetings whose coordination cost is at least this many minutes', number('--min-cost'))
    .option('--search <text>', 'words that must all occur in the message text or meeting title (case-insensitive)')
    .option('--limit <n>', 'at most this many rows', number('--limit', true))
    .option('--offset <n>', 'skip this many rows first', number('--offset', true));
}

/** The filters from parsed flags; a bad value is a usage error naming the flag. */
export function filtersFromFlags(flags: FilterFlags, defaults: { limit?: number } = {}): Filters {
  try {
    return parseFilters({
      from: flags.from, to: flags.to, channel: flags.channel, person: flags.person, team: flags.team, kind: flags.kind,
      minCost: flags.minCost, search: flags.search, limit: flags.limit ?? defaults.limit, offset: flags.offset,
    });
  } catch (err) {
    if (err instanceof FilterError) throw new UsageError(err.message);
    throw err;
  }
}

/** Runs `build`, turning a FilterError (a filter that does not fit the table) into a usage error. */
export function asUsage<T>(build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof FilterError) throw new UsageError(err.message);
    throw err;
  }
}

export async function openForReading(path: string): Promise<Database> {
  if (!existsSync(path)) throw new InputError('INPUT_NOT_FOUND', path, 'no database here; run `convene replay` first or pass --db');
  // Imported here so that registering the command does not load the DuckDB binding.
  const { Database } = await import('../../sinks/duckdb/database.js');
  return Database.open(path, { readOnly: true });
}

/** Rows shown when no --limit is given, so a terminal is not flooded. */
export const DEFAULT_LIST_LIMIT = 50;

type ListFlags = FilterFlags & { db: string; format: 'table' | 'json' | 'csv' };

/** Lists the rows of a filtered query (meetings or messages) in the chosen format. */
export async function runList(flags: ListFlags, build: (f: ReturnType<typeof filtersFromFlags>) => { sql: string; params: SqlParam[] }): Promise<number> {
  const filters = filtersFromFlags(flags, { limit: flags.format === 'table' ? DEFAULT_LIST_LIMIT : undefined });
  const q = asUsage(() => build(filters));
  const db = await openForReading(flags.db);
  try {
    const { columns, rows } = await db.table(q.sql, q.params);
    process.stdout.write(formatRows(columns, rows, flags.format) + '\n');
    return 0;
  } finally {
    db.close();
  }
}

export function runMeetings(flags: ListFlags): Promise<number> {
  return runList(flags, meetingListQuery);
}

export const meetingsCommand: RegisterCommand = (program, exit) => {
  const cmd = program
    .command('meetings')
    .description('list meetings with their coordination figures, filtered and searched')
    .addOption(dbOption())
    .addOption(formatOption());
  addFilterOptions(cmd, 'scheduled, huddle or adhoc').action(async (opts) => {
    exit.code = await runMeetings(opts);
  });
};
