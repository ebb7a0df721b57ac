/**
 * The global defaults, in one place: the config schema applies them, and commands that show
 * them in `--help` read them from here without loading the schema (which keeps start-up fast).
 */
export const DEFAULTS = {
  db: 'convene.duckdb',
  batchSize: 2048,
  logLevel: 'warn',
} as const;
