/**
 * docs/config.md, generated from the schemas: the global settings and every registered
 * source's section, with types, defaults and descriptions.
 */
import { z } from 'zod';
import { SOURCES } from '../sources/registry.js';
import { RootConfig } from './schema.js';

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  anyOf?: JsonSchema[];
  required?: string[];
}

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (s.anyOf) return s.anyOf.map(typeOf).join(' \\| ');
  if (s.type === 'array' && s.items) return `${typeOf(s.items)}[]`;
  return Array.isArray(s.type) ? s.type.join(' \\| ') : (s.type ?? 'any');
}

function rows(prefix: string, s: JsonSchema, out: string[]): void {
  for (const [key, p] of Object.entries(s.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (p.type === 'object' && p.properties && Object.keys(p.properties).length > 0) {
      rows(path, p, out);
      continue;
    }
    const def = p.default === undefined ? (s.required?.includes(key) ? 'required' : '') : `\`${JSON.stringify(p.default)}\``;
    out.push(`| \`${path}\` | ${typeOf(p)} | ${def} | ${(p.description ?? '').replace(/\|/g, '\\|')} |`);
  }
}

function table(schema: z.ZodType, prefix: string): string[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const out = ['| key | type | default | meaning |', '| --- | --- | --- | --- |'];
  rows(prefix, json, out);
  return out;
}

export function configReference(): string {
  const lines = [
    '# Configuration reference',
    '',
    'Generated from the schemas by `convene config docs` (a test keeps this file equal to its output).',
    '',
    'Values merge as defaults < `convene.config.json` (or `--config FILE`) < environment < flags.',
    'Environment: `CONVENE_<KEY>` for a global key (`CONVENE_DB`, `CONVENE_BATCH_SIZE`,',
    '`CONVENE_DUCKDB__MEMORY_LIMIT`), `CONVENE_SOURCES__<TYPE>__<KEY>` for a source',
    '(`CONVENE_SOURCES__SLACK_WEB__TOKEN`), and `SLACK_TOKEN` for `sources.slack-web.token`.',
    'A source section inherits `defaults.*` for the keys it knows. `convene config print` shows each',
    'effective value and where it came from, secrets redacted.',
    '',
    '## Global settings',
    '',
    ...table(RootConfig, ''),
  ];
  for (const s of SOURCES) {
    lines.push('', `## sources.${s.type}`, '', s.summary + '.', '', ...table(s.definition.config as unknown as z.ZodType, `sources.${s.type}`));
  }
  return lines.join('\n') + '\n';
}
