/**
 * The meeting-intelligence operator: every envelope passes through unchanged; after each
 * `message` envelope come the signal, message_link and meeting envelopes derived from it,
 * and when the input completes, the calendar-backed meetings and every meeting's metrics.
 * `channel` envelopes give the operator channel members (read before their messages).
 *
 * Dependencies: the runtime passes the people and calendar events it has read in earlier
 * stages as `ctx.deps` (an EventIndex, an IdentityIndex and a time-zone lookup). Without
 * `deps`, the operator builds its own indexes from the `person` and `calendar_event`
 * envelopes flowing through it, which suits a single stream holding everything, people and
 * events before the messages that need them.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import type { ComponentContext, OperatorDef } from '../core/component.js';
import type { Envelope } from '../core/envelope.js';
import { toConveneError } from '../core/errors.js';
import type { CalendarEvent, Channel, Message, Person } from '../core/records.js';
import { DEFAULT_WINDOWS } from './correlate.logic.js';
import { EventIndex } from './event-index.logic.js';
import { IdentityIndex } from './identity.logic.js';
import { MeetingIntelligence, type MeetingIntelligenceDeps } from './meeting-intelligence.logic.js';

export const MeetingIntelligenceConfig = z
  .object({
    /** Cost of one attendee-hour in the metrics (default 75). */
    hourlyRate: z.number().positive().optional(),
    /** How long before an event its scheduling messages may come (default 21 days). */
    lookbackDays: z.number().positive().optional(),
    /** How long after an event its follow-ups may come (default 3 days). */
    followUpDays: z.number().positive().optional(),
  })
  .strict();
export type MeetingIntelligenceConfig = z.infer<typeof MeetingIntelligenceConfig>;

/** The component context plus the shared indexes (see the file comment). */
export interface MeetingIntelligenceContext extends ComponentContext {
  readonly deps?: MeetingIntelligenceDeps;
}

function ownDeps(): { deps: MeetingIntelligenceDeps; learn(e: Envelope): void } {
  const events = new EventIndex();
  const identities = new IdentityIndex();
  const zones = new Map<string, { tz: string | null; offsetMinutes: number | null }>();
  return {
    deps: { events, identities, timezoneOf: (id) => zones.get(id) ?? { tz: null, offsetMinutes: null } },
    learn(e) {
      if (e.kind === 'person') {
        const p = e.payload as Person;
        identities.add(p);
        if (p.slackUserId) zones.set(p.slackUserId, { tz: p.timezone, offsetMinutes: p.tzOffsetMinutes });
      } else if (e.kind === 'calendar_event') {
        events.add(e.payload as CalendarEvent);
      }
    },
  };
}

/** Records finish() hands on between two looks at the stage's gate. */
const FINISH_CHUNK = 512;

export const meetingIntelligenceOperator: OperatorDef<MeetingIntelligenceConfig, unknown, unknown> & {
  create(config: MeetingIntelligenceConfig, ctx: MeetingIntelligenceContext): OperatorFunction<Envelope, Envelope>;
} = {
  type: 'meeting-intelligence',
  summary: 'Finds meeting coordination in Slack messages, links it to calendar events and huddles, and measures it',
  config: MeetingIntelligenceConfig,
  create(config: MeetingIntelligenceConfig, ctx: MeetingIntelligenceContext): OperatorFunction<Envelope, Envelope> {
    const day = 86_400_000;
    const options = {
      ...(config.hourlyRate !== undefined ? { hourlyRate: config.hourlyRate } : {}),
      windows: { lookbackMs: (config.lookbackDays ?? DEFAULT_WINDOWS.lookbackMs / day) * day, followUpMs: (config.followUpDays ?? DEFAULT_WINDOWS.followUpMs / day) * day },
    };
    return (source) =>
      new Observable<Envelope>((subscriber) => {
        const own = ctx.deps ? undefined : ownDeps();
        const core = new MeetingIntelligence(ctx.deps ?? own!.deps, options);
        let failures = 0;
        return source.subscribe({
          next(e) {
            subscriber.next(e);
            own?.learn(e);
            if (e.kind === 'channel') core.addChannel(e.payload as Channel);
            if (e.kind !== 'message') return;
            const m = e.payload as Message;
            let derived: Envelope[];
            try {
              derived = core.processMessage(m);
            } catch (err) {
              // One odd message must not stop the run: log it with its key and go on.
              failures++;
              ctx.logger.warn({ key: e.key, err: toConveneError(err).message, failures }, 'meeting detection failed for a message; skipped');
              return;
            }
            for (const d of derived) subscriber.next(d);
          },
          error(err) {
            subscriber.error(err);
          },
          complete() {
            const gate = ctx.gate;
            if (!gate) {
              for (const d of core.finishing()) subscriber.next(d);
              subscriber.complete();
              return;
            }
            // Tens of thousands of meetings and their metrics at the end of a large replay: taken
            // as the stage has room for them (the gate counts what it has not written yet).
            const pending = core.finishing();
            const pump = async (): Promise<void> => {
              for (;;) {
                await gate.ready();
                if (subscriber.closed) return;
                for (let i = 0; i < FINISH_CHUNK; i++) {
                  const next = pending.next();
                  if (next.done) {
                    subscriber.complete();
                    return;
                  }
                  subscriber.next(next.value);
                }
              }
            };
            pump().catch((err: unknown) => subscriber.error(err));
          },
        });
      });
  },
};
