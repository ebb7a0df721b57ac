/**
 * Worker thread of the Slack export source: reads, parses, maps and analyses day files (see
 * slack-export.day-file.ts) and answers with the result as JSON. `workerData` holds the
 * export's author zones as `[userId, tz, offsetMinutes]` rows.
 */
import { workerData } from 'node:worker_threads';
import { serveRequests } from '../common/workers/serve.js';
import { encodeDayFile, readDayFile, type AuthorZones, type DayFileAnswer, type DayFileRequest } from './slack-export.day-file.js';

const rows = (workerData as { zones?: Array<[string, string | null, number | null]> } | null)?.zones ?? [];
const zones: AuthorZones = new Map(rows.map(([id, tz, offsetMinutes]) => [id, { tz, offsetMinutes }]));

serveRequests<DayFileRequest, DayFileAnswer>(async (request) => encodeDayFile(await readDayFile(request, zones)));
