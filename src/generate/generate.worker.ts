/** The worker thread that `generateBundle` starts: runs the generation and reports back. */
import { parentPort, workerData } from 'node:worker_threads';
import { UsageError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { runGeneration } from './generate.js';
import type { GenerateOptions, WorkerReport } from './generate.js';

const port = parentPort;
if (port) {
  const post = (report: WorkerReport): void => port.postMessage(report);
  const logger: Logger = {
    debug: (obj, msg) => post({ type: 'log', level: 'debug', obj, msg }),
    info: (obj, msg) => post({ type: 'log', level: 'info', obj, msg }),
    warn: (obj, msg) => post({ type: 'log', level: 'warn', obj, msg }),
    error: (obj, msg) => post({ type: 'log', level: 'error', obj, msg }),
    child: () => logger,
  };
  try {
    post({ type: 'done', summary: runGeneration(workerData as GenerateOptions, logger) });
  } catch (err) {
    post({ type: 'failed', message: err instanceof Error ? err.message : String(err), usage: err instanceof UsageError });
  }
}
