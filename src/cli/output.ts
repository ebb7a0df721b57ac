/** Printing rows as a table, JSON (an array of row objects) or CSV. */
export type Row = Record<string, unknown>;

/** Plain JSON values: bigints become numbers when exact (else strings), dates ISO strings. */
export function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

function cell(value: unknown): string {
  const v = plain(value);
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function formatRows(columns: readonly string[], rows: readonly Row[], format: 'table' | 'json' | 'csv'): string {
  if (format === 'json') return JSON.stringify(rows.map((r) => plain(r)), null, 2);
  if (format === 'csv') {
    const esc = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    return [columns.map(esc).join(','), ...rows.map((r) => columns.map((c) => esc(cell(r[c]))).join(','))].join('\n');
  }
  const maxWidth = 60;
  const text = rows.map((r) => columns.map((c) => cell(r[c]).replace(/\s+/g, ' ')));
  const widths = columns.map((c, i) => Math.min(maxWidth, Math.max(c.length, ...text.map((t) => t[i]!.length))));
  const clip = (s: string, w: number): string => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  const lines = [columns.map((c, i) => clip(c, widths[i]!)).join('  '), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const t of text) lines.push(t.map((s, i) => clip(s, widths[i]!)).join('  ').trimEnd());
  lines.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return lines.join('\n');
}
