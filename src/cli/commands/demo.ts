import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULTS } from '../../config/defaults.js';
import { generateBundle } from '../../generate/generate.js';
import { Database } from '../../sinks/duckdb/database.js';
import { renderReport } from '../../sinks/report/report.js';
import { formatSummary, summarize } from '../../runtime/summary.js';
import { evaluate, readTruth } from '../../runtime/eval.js';
import { cliLogger } from '../log.js';
import { replayAndReport } from './replay.js';

export async function runDemo(opts: { dir: string; seed: number; scale: number }): Promise<number> {
  const dir = resolve(opts.dir);
  const bundle = join(dir, 'bundle');
  const dbPath = join(dir, 'convene.duckdb');
  const print = (line: string): void => void process.stdout.write(line + '\n');
  // The demo starts from nothing each time, so its figures are those of this seed alone.
  rmSync(bundle, { recursive: true, force: true });
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.wal`, { force: true });
  mkdirSync(dir, { recursive: true });

  print(`1. generating a sample organization (seed ${opts.seed}, scale ${opts.scale}) into ${bundle}`);
  const g = await generateBundle({ out: bundle, seed: opts.seed, scale: opts.scale }, cliLogger());
  print(`   ${g.people} people, ${g.channels} channels, ${g.messages} messages, ${g.calendarEvents} calendar events, ${g.driveFiles} drive files`);

  print(`2. replaying it into ${dbPath}`);
  await replayAndReport(bundle, { calendar: [], drive: [], directory: [], db: dbPath, batchSize: DEFAULTS.batchSize }, (l) => print(`   ${l}`));

  const db = await Database.open(dbPath, { readOnly: true });
  try {
    const summary = await summarize(db);
    const figures = await evaluate(db, readTruth(join(bundle, 'truth.json')));
    print('3. summary');
    print(formatSummary(summary).replace(/^/gm, '   '));
    print(
      `   against the generated truth: relevance F1 ${figures.relevance.f1.toFixed(3)}, link accuracy ${figures.link.accuracy.toFixed(3)}, ` +
        `Slack-only F1 ${figures.slack_only.f1.toFixed(3)}, kind macro-F1 ${figures.kind.macro_f1.toFixed(3)}`,
    );
    const reportPath = join(dir, 'report.html');
    writeFileSync(reportPath, renderReport(summary, new Date()));
    print(`4. wrote ${reportPath}`);
  } finally {
    db.close();
  }
  const rel = opts.dir;
  print('\nTry next:');
  print(`  npx convene query "SELECT kind, count(*) FROM signals GROUP BY kind ORDER BY 2 DESC" --db ${rel}/convene.duckdb`);
  print(`  npx convene eval --truth ${rel}/bundle/truth.json --db ${rel}/convene.duckdb`);
  print(`  npx convene validate --db ${rel}/convene.duckdb`);
  print(`  npx convene generate --out big --scale 1 && npx convene replay big --db big.duckdb`);
  return 0;
}
