/** Pure parsing of people.csv (RFC 4180 quoting) and mapping of its rows to persons. */
import type { Person } from '../../core/records.js';
import { looksLikeEmail } from '../common/emit.js';

export const PEOPLE_CSV_COLUMNS = ['email', 'name', 'slack_user_id', 'department', 'title', 'manager_email', 'timezone'] as const;

export interface CsvRow {
  /** 1-based line number where the row starts. */
  readonly line: number;
  readonly fields: string[];
}

/** Split CSV text into rows; quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(body: string): { rows: CsvRow[]; unterminatedAt: number | null } {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let quoteLine = 0;
  const text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  const endRow = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      quoteLine = line;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else field += c;
  }
  if (quoted) return { rows, unterminatedAt: quoteLine };
  if (field !== '' || fields.length > 0) endRow();
  return { rows, unterminatedAt: null };
}

export type Mapped<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Column index of each known header name; unknown header names are an error. */
export function headerIndex(header: readonly string[]): Mapped<Map<string, number>> {
  const index = new Map<string, number>();
  header.forEach((h, i) => index.set(h.trim().toLowerCase(), i));
  if (!index.has('email')) return { ok: false, reason: `the header has no "email" column (expected ${PEOPLE_CSV_COLUMNS.join(',')})` };
  const unknown = [...index.keys()].filter((h) => !(PEOPLE_CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length > 0) return { ok: false, reason: `unknown header column(s) ${unknown.join(', ')} (expected ${PEOPLE_CSV_COLUMNS.join(',')})` };
  return { ok: true, value: index };
}

export function mapPeopleRow(fields: readonly string[], index: ReadonlyMap<string, number>): Mapped<Person> {
  if (fields.length !== index.size) return { ok: false, reason: `the row has ${fields.length} fields but the header has ${index.size}` };
  const get = (name: string): string | null => {
    const i = index.get(name);
    const v = i === undefined ? undefined : fields[i]?.trim();
    return v === undefined || v === '' ? null : v;
  };
  const email = get('email')?.toLowerCase() ?? null;
  if (!looksLikeEmail(email)) return { ok: false, reason: email === null ? 'the row has no email' : `"${email}" is not an email address` };
  return {
    ok: true,
    value: {
      key: `people_csv:${email}`,
      source: 'people_csv',
      externalId: email,
      email,
      name: get('name'),
      displayName: null,
      slackUserId: get('slack_user_id'),
      department: get('department'),
      title: get('title'),
      managerEmail: get('manager_email')?.toLowerCase() ?? null,
      timezone: get('timezone'),
      tzOffsetMinutes: null,
      isBot: false,
      deleted: false,
    },
  };
}
