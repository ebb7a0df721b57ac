/**
 * Worker thread of the Slack export source: reads, parses and maps day files (see
 * slack-export.day-file.ts) and answers with the mapped messages as JSON.
 */
import { serveRequests } from '../../runtime/workers/serve.js';
import { encodeDayFile, readDayFile, type DayFileAnswer, type DayFileRequest } from './slack-export.day-file.js';

serveRequests<DayFileRequest, DayFileAnswer>(async (request) => encodeDayFile(await readDayFile(request)));
