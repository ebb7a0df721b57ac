/**
 * The runtime's own configuration sections: how often checkpoints are taken, the memory
 * ceiling under which intake pauses, and how long run history is kept for rollbacks. The
 * root schema (config/schema.ts) mounts them.
 */
import { z } from 'zod';

export const CheckpointsConfig = z.object({
  everyRecords: z.number().int().min(1).default(10_000).describe('Take a checkpoint once this many source records have been committed since the last one.'),
  everySeconds: z.number().min(0).default(30).describe('… or once this many seconds have passed since the last one, whichever comes first (0: with every batch). The end of each stage is always checkpointed.'),
});
export type CheckpointsConfig = z.infer<typeof CheckpointsConfig>;

export const ResourcesConfig = z.object({
  memoryCeilingMB: z.number().int().min(16).optional().describe('Pause intake (sources wait for the gate) while the process\'s resident memory is above this many MB; absent: no ceiling.'),
  memoryCheckMs: z.number().int().min(10).default(250).describe('How often a paused intake looks at memory again.'),
  maxPauseSeconds: z.number().min(0).default(30).describe('Longest a single pause may last before intake resumes anyway (and says so), so a ceiling set too low slows a run instead of stopping it.'),
  heapLimitMB: z.number().int().min(0).default(512).describe('V8 old-space limit of the process that runs replay, run, watch and demo (bin/convene.js starts it with this limit and at most two malloc arenas); 0: no limit and no second process. Read from CONVENE_RESOURCES__HEAP_LIMIT_MB or the config file; NODE_OPTIONS with --max-old-space-size wins.'),
  parseWorkers: z.number().int().min(0).max(64).optional().describe('Worker threads that read, parse and map the Slack export\'s day files during a replay and run the part of meeting detection that reads a message alone (results are the same, in the same order); 0: all on the pipeline\'s thread; absent: one per core but one, at most 4.'),
  keepRunHistory: z.number().int().min(1).default(5).describe('Keep the replaced-row history of this many newest runs, for `convene rollback`.'),
});
export type ResourcesConfig = z.infer<typeof ResourcesConfig>;

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
