/** Test worker: squares a number after a delay, counts in flight, and fails on request. */
import { serveRequests } from '../../../../src/sources/common/workers/serve.js';
import { InputError } from '../../../../src/core/errors.js';

serveRequests<{ n: number; delayMs: number; fail?: boolean }, number>(async ({ n, delayMs, fail }) => {
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  if (fail) throw new InputError('INPUT_NOT_FOUND', `item-${n}`, 'the item could not be read');
  return n * n;
});
