/** Counts message objects in a Slack export folder independently of convene's sources. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function countExportMessages(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir)) {
    const folder = join(dir, entry);
    if (!statSync(folder).isDirectory()) continue;
    for (const file of readdirSync(folder)) {
      if (!/^\d{4}-\d{2}-\d{2}\.json$/.test(file)) continue;
      const parsed: unknown = JSON.parse(readFileSync(join(folder, file), 'utf8'));
      if (Array.isArray(parsed)) n += parsed.length;
    }
  }
  return n;
}
