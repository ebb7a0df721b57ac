/**
 * Worker thread of the Slack export source: reads, parses, maps and analyses day files (see
 * slack-export.day-file.ts) and answers with the result as JSON; a file too large for this
 * thread's heap is answered `too-large` (see WorkerBudget). `workerData` holds the export's
 * author zones as `[userId, tz, offsetMinutes]` rows.
 */
import { workerData } from 'node:worker_threads';
import { serveRequests } from '../common/workers/serve.js';
import { encodeDayFile, readDayFile, requestBytes, WorkerBudget, type AuthorZones, type DayFileAnswer, type DayFileRequest } from './slack-export.day-file.js';

const rows = (workerData as { zones?: Array<[string, string | null, number | null]> } | null)?.zones ?? [];
const zones: AuthorZones = new Map(rows.map(([id, tz, offsetMinutes]) => [id, { tz, offsetMinutes }]));

const budget = new WorkerBudget();

serveRequests<DayFileRequest, DayFileAnswer>(
  async (request) => (budget.take(requestBytes(request)) ? encodeDayFile(await readDayFile(request, zones)) : { kind: 'too-large' }),
  () => budget.startBatch(),
);
