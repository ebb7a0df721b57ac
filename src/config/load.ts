/**
 * Loads the effective configuration: defaults < file < environment < flags, validated once,
 * with every problem reported at once by its key path, and where each value came from.
 *
 * Environment: `CONVENE_<KEY>` for a global key (`CONVENE_DB`, `CONVENE_BATCH_SIZE`,
 * `CONVENE_DUCKDB__MEMORY_LIMIT`: `__` separates levels, words become camelCase), and
 * `CONVENE_SOURCES__<TYPE>__<KEY>` for a component (`CONVENE_SOURCES__SLACK_WEB__TOKEN`);
 * `SLACK_TOKEN` fills `sources.slack-web.token`. Values are parsed as JSON when they parse,
 * else kept as strings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConveneError } from '../core/errors.js';
import { SOURCES, findSource } from '../sources/registry.js';
import { RootConfig } from './schema.js';

export type Origin = 'default' | 'file' | 'env' | 'flag' | 'inherited';
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

export interface LoadedConfig {
  config: RootConfig;
  /** Effective source configs after inheritance and validation, by source type. */
  sources: Record<string, Record<string, unknown>>;
  /** Where each leaf value came from, by dotted key path. */
  origins: Map<string, Origin>;
  file: string | null;
}

export interface LoadOptions {
  /** A config file; absent: ./convene.config.json when it exists. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Values given by flags, as a partial config object (e.g. { db: 'x.duckdb' }). */
  flags?: Obj;
  cwd?: string;
}

export const DEFAULT_CONFIG_FILE = 'convene.config.json';

const SECRET_KEY = /token|secret|password|credential|private_?key|apikey|api_key/i;

export function isSecretKey(path: string): boolean {
  return SECRET_KEY.test(path.split('.').pop() ?? '');
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function camel(word: string): string {
  return word.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function parseEnvValue(raw: string): Json {
  try {
    return JSON.parse(raw) as Json;
  } catch {
    return raw;
  }
}

/** `CONVENE_*` variables as a partial config object. */
export function configFromEnv(env: NodeJS.ProcessEnv): Obj {
  const out: Obj = {};
  const set = (path: string[], value: Json): void => {
    let at = out;
    for (const k of path.slice(0, -1)) {
      if (!isObj(at[k])) at[k] = {};
      at = at[k] as Obj;
    }
    at[path[path.length - 1]!] = value;
  };
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || !name.startsWith('CONVENE_') || name === 'CONVENE_LOG_LEVEL_OVERRIDE' || name === 'CONVENE_LAUNCHED') continue;
    const parts = name.slice('CONVENE_'.length).split('__');
    if (parts[0] === 'SOURCES' && parts.length >= 3) {
      set(['sources', parts[1]!.toLowerCase().replace(/_/g, '-'), ...parts.slice(2).map(camel)], parseEnvValue(raw));
    } else {
      set(parts.map(camel), parseEnvValue(raw));
    }
  }
  if (env['SLACK_TOKEN']) set(['sources', 'slack-web', 'token'], env['SLACK_TOKEN']);
  if (env['SLACK_SIGNING_SECRET']) set(['watch', 'signingSecret'], env['SLACK_SIGNING_SECRET']);
  return out;
}

function merge(base: Obj, over: Obj, origin: Origin, origins: Map<string, Origin>, prefix = ''): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isObj(v) && isObj(out[k])) out[k] = merge(out[k] as Obj, v, origin, origins, path);
    else {
      out[k] = v;
      markLeaves(path, v, origin, origins);
    }
  }
  return out;
}

function markLeaves(path: string, v: Json, origin: Origin, origins: Map<string, Origin>): void {
  for (const key of [...origins.keys()]) if (key === path || key.startsWith(`${path}.`)) origins.delete(key);
  if (isObj(v)) for (const [k, x] of Object.entries(v)) markLeaves(`${path}.${k}`, x, origin, origins);
  else origins.set(path, origin);
}

function readFile(path: string): Obj {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConveneError('CONFIG_INVALID', `the config file is not valid JSON: ${(err as Error).message}`, { subject: path, cause: err });
  }
  if (!isObj(raw)) throw new ConveneError('CONFIG_INVALID', 'the config file must hold one JSON object', { subject: path });
  return raw;
}

function issuesOf(error: z.ZodError, prefix: string[]): string[] {
  return error.issues.map((i) => `${[...prefix, ...i.path.map(String)].join('.') || '(root)'}: ${i.message}`);
}

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const file = options.file ?? (existsSync(`${cwd}/${DEFAULT_CONFIG_FILE}`) ? `${cwd}/${DEFAULT_CONFIG_FILE}` : null);
  if (options.file && !existsSync(options.file)) throw new ConveneError('CONFIG_INVALID', 'no config file here', { subject: options.file });
  const origins = new Map<string, Origin>();
  let merged: Obj = {};
  if (file) merged = merge(merged, readFile(file), 'file', origins);
  merged = merge(merged, configFromEnv(options.env ?? process.env), 'env', origins);
  if (options.flags) merged = merge(merged, options.flags, 'flag', origins);

  const problems: string[] = [];
  const parsed = RootConfig.safeParse(merged);
  if (!parsed.success) problems.push(...issuesOf(parsed.error, []));

  const sources: Record<string, Record<string, unknown>> = {};
  const sections = isObj(merged['sources']) ? (merged['sources'] as Obj) : {};
  const defaults = isObj(merged['defaults']) ? (merged['defaults'] as Obj) : {};
  for (const [type, section] of Object.entries(sections)) {
    const def = findSource(type);
    if (!def) {
      problems.push(`sources.${type}: no source of this type; known types: ${knownSourceTypes().join(', ')}`);
      continue;
    }
    const schema = def.definition.config as unknown as z.ZodType<Record<string, unknown>>;
    const shape = shapeKeys(schema);
    const inherited: Obj = {};
    for (const [k, v] of Object.entries(defaults)) {
      if (shape.has(k) && !(isObj(section) && k in section)) {
        inherited[k] = v;
        origins.set(`sources.${type}.${k}`, 'inherited');
      }
    }
    const result = schema.safeParse({ ...inherited, ...(isObj(section) ? section : {}) });
    if (!result.success) problems.push(...issuesOf(result.error, ['sources', type]));
    else sources[type] = result.data;
  }
  if (problems.length > 0 || !parsed.success) {
    throw new ConveneError('CONFIG_INVALID', `${problems.length} problem${problems.length === 1 ? '' : 's'} in the configuration:\n  ${problems.join('\n  ')}`, {
      subject: file ?? 'configuration',
    });
  }
  return { config: parsed.data, sources, origins, file };
}

function shapeKeys(schema: z.ZodType): Set<string> {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return new Set(shape ? Object.keys(shape) : []);
}

function knownSourceTypes(): string[] {
  return SOURCES.map((s) => s.type);
}

/** Every effective value with its origin, secrets redacted, one `key = value  (origin)` per line. */
export function describeConfig(loaded: LoadedConfig): string[] {
  const lines: string[] = [];
  const walk = (prefix: string, v: unknown): void => {
    if (isObj(v as Json) && Object.keys(v as Obj).length > 0) {
      for (const [k, x] of Object.entries(v as Obj)) walk(prefix ? `${prefix}.${k}` : k, x);
      return;
    }
    const shown = isSecretKey(prefix) && v !== undefined ? '<redacted>' : JSON.stringify(v);
    lines.push(`${prefix} = ${shown}  (${loaded.origins.get(prefix) ?? 'default'})`);
  };
  const { sources: _raw, ...globals } = loaded.config;
  walk('', globals);
  for (const [type, cfg] of Object.entries(loaded.sources)) walk(`sources.${type}`, cfg);
  return lines;
}
