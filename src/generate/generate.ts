/**
 * `convene generate`: writes a synthetic but realistic replay bundle (Slack export, Google
 * Calendar / Drive / Directory JSON, iCalendar, people.csv) plus its truth.json, day by day
 * so that memory stays flat however many records are asked for.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { UsageError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import { planOneOffs, planPersonal, planSeries, seriesInstance } from './calendar.js';
import type { CalEvent, Series } from './calendar.js';
import { CalendarFile } from './calendar-writer.js';
import { adhocCall, coordinateEvent, huddle } from './conversations.js';
import type { ConvContext } from './conversations.js';
import { DriveWriter } from './drive.js';
import { planFiller, writeFiller } from './filler.js';
import { buildOrg } from './org.js';
import type { OrgPerson } from './org.js';
import { Rng } from './rng.js';
import { SlackWriter } from './slack-writer.js';
import { writeDirectory, writePeopleCsv, writeSlackMeta } from './static-files.js';
import { DAY, MINUTE, dayAt, zonedToUtc } from './time.js';
import { Workspace } from './workspace.js';

export interface GenerateOptions { out: string; seed: number; scale: number; people?: number; days?: number; startDate?: string }

export interface GenerateSummary {
  out: string; people: number; channels: number; messages: number; calendarEvents: number; driveFiles: number;
  records: number; meetings: number; meetingMessages: number; slackOnlyMeetings: number;
}

/** Records (messages + calendar event records + drive files + people) per unit of scale. */
export const RECORDS_PER_SCALE = 326_000;
const BASE_PEOPLE = 150;
const BASE_DAYS = 90;
const LEAD_DAYS = 3;
const LA = 'America/Los_Angeles';

/** People and days for a scale: both grow with √scale, so records grow linearly. */
export function sizeFor(opts: Pick<GenerateOptions, 'scale' | 'people' | 'days'>): { people: number; days: number; target: number } {
  const people = opts.people ?? Math.max(8, Math.round(BASE_PEOPLE * Math.sqrt(opts.scale)));
  const days = opts.days ?? Math.max(3, Math.round(BASE_DAYS * Math.sqrt(opts.scale)));
  return { people, days, target: Math.round((RECORDS_PER_SCALE * people * days) / (BASE_PEOPLE * BASE_DAYS)) };
}

class LineFile {
  private readonly fd: number;
  private buffer = '';
  private count = 0;
  constructor(readonly path: string) { this.fd = openSync(path, 'w'); }
  write(line: string): void {
    this.buffer += (this.count++ === 0 ? '' : ',\n') + line;
    if (this.buffer.length > 1 << 16) { writeSync(this.fd, this.buffer); this.buffer = ''; }
  }
  close(): void { writeSync(this.fd, this.buffer); this.buffer = ''; closeSync(this.fd); }
}

function validate(opts: GenerateOptions): string {
  if (!opts.out) throw new UsageError('generate needs --out DIR');
  if (!Number.isInteger(opts.seed)) throw new UsageError(`--seed must be an integer, got ${opts.seed}`);
  if (!(opts.scale > 0) || !Number.isFinite(opts.scale)) throw new UsageError(`--scale must be a positive number, got ${opts.scale}`);
  if (opts.people !== undefined && (!Number.isInteger(opts.people) || opts.people < 6)) throw new UsageError(`--people must be an integer of at least 6, got ${opts.people}`);
  if (opts.days !== undefined && (!Number.isInteger(opts.days) || opts.days < 1)) throw new UsageError(`--days must be a positive integer, got ${opts.days}`);
  const start = opts.startDate ?? '2026-03-02';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || Number.isNaN(Date.parse(`${start}T00:00:00Z`))) throw new UsageError(`startDate must be an ISO date (YYYY-MM-DD), got ${start}`);
  return start;
}

const COORDINATE_P: Record<Series['kind'] | 'oneoff', number> = { oneoff: 0.6, oneonone: 0.07, standup: 0.03, sync: 0.1, staff: 0.12 };

/**
 * Generates the bundle in this thread. Memory stays bounded in what is retained, but V8 lets
 * the heap grow lazily to several times that; `generateBundle` runs this in a worker with
 * a capped heap instead.
 */
export function runGeneration(opts: GenerateOptions, logger: Logger = silentLogger): GenerateSummary {
  const startDate = validate(opts);
  const { people: peopleCount, days, target } = sizeFor(opts);
  const out = opts.out;
  const log = logger.child({ component: 'generate' });
  for (const part of ['slack', 'google', 'people.csv', 'truth.json', '.spool']) rmSync(join(out, part), { recursive: true, force: true });
  const slackDir = join(out, 'slack');
  const calDir = join(out, 'google', 'calendar');
  for (const dir of [slackDir, calDir, join(out, 'google', 'drive'), join(out, 'google', 'directory')]) mkdirSync(dir, { recursive: true });

  const rng = new Rng(opts.seed, 'convene');
  const laMidnight = (i: number): number => { const d = dayAt(startDate, i); return zonedToUtc(d.year, d.month, d.day, 0, 0, LA); };
  const startMs = laMidnight(0);
  const endMs = laMidnight(days);
  const org = buildOrg(rng.fork('org'), peopleCount, Math.floor(startMs / 1000));
  const series = planSeries(rng.fork('series'), org, startMs);
  const files = new Map<number, CalendarFile>();
  for (const p of org.people) if (!p.deleted) files.set(p.idx, new CalendarFile(calDir, p, org, endMs));
  for (const s of series) {
    const icsAttendees = s.attendees.filter((i) => org.people[i]?.calendar === 'ics');
    if (icsAttendees.length === 0) continue;
    const instances: CalEvent[] = [];
    for (let j = 0; j < days; j++) { const inst = seriesInstance(opts.seed, org, s, startDate, j); if (inst) instances.push(inst); }
    for (const i of icsAttendees) files.get(i)?.writeSeries(s, instances, endMs - 1000);
  }

  const meetingsTmp = new LineFile(join(out, '.truth-meetings.tmp'));
  const messagesTmp = new LineFile(join(out, '.truth-messages.tmp'));
  const writer = new SlackWriter(slackDir, join(out, '.spool'), rng.fork('ts'), (l) => messagesTmp.write(l));
  const ws = new Workspace(org, writer, rng.fork('workspace'), (l) => meetingsTmp.write(l), Math.floor(startMs / 1000));
  const drive = new DriveWriter(join(out, 'google', 'drive', 'files.json'));
  const fillerPlan = planFiller(org, days, rng.fork('filler'));
  const weight = (i: number): number => { const wd = dayAt(startDate, i).weekday; return wd === 0 || wd === 6 ? 0.12 : 1; };
  let totalWeight = 0;
  for (let i = 0; i < days; i++) totalWeight += weight(i);
  const humans = org.people.filter((p) => !p.deleted);
  const active = humans.filter((p) => p.slackId !== null);
  let calendarRecords = 0;
  const planned = new Map<number, CalEvent[]>();

  const otherMeeting = (person: number, around: number, not: CalEvent): CalEvent | null => {
    for (const list of planned.values()) {
      for (const ev of list) {
        if (ev !== not && ev.status === 'confirmed' && Math.abs(ev.start - around) < DAY && ev.attendees.some((a) => a.idx === person)) return ev;
      }
    }
    return null;
  };

  let cumulativeWeight = 0;
  for (let i = 0; i < days; i++) {
    const earliest = laMidnight(i);
    const stepRng = rng.fork(`day:${i}`);
    const ctx: ConvContext = { ws, rng: stepRng, earliest, otherMeeting };
    const planDays = i === 0 ? Array.from({ length: Math.min(LEAD_DAYS + 1, days) }, (_, k) => k) : i + LEAD_DAYS < days ? [i + LEAD_DAYS] : [];
    for (const j of planDays) {
      const dayRng = rng.fork(`plan:${j}`);
      const meetings: CalEvent[] = [];
      for (const s of series) { const inst = seriesInstance(opts.seed, org, s, startDate, j); if (inst) meetings.push(inst); }
      meetings.push(...planOneOffs(dayRng, org, startDate, j, 0.8));
      planned.set(j, meetings);
      for (const ev of meetings) {
        const kind = ev.series ? ev.series.kind : 'oneoff';
        const p = ev.series && (ev.moved || ev.status === 'cancelled') ? 0.7 : COORDINATE_P[kind];
        if (stepRng.chance(p)) { coordinateEvent(ctx, ev); writer.sealIfLarge(); }
        for (const a of ev.attendees) {
          const file = a.idx === null ? undefined : files.get(a.idx);
          if (file) { file.writeEvent(ev); calendarRecords++; }
        }
      }
      for (const ev of planPersonal(dayRng, org, startDate, j)) {
        const file = ev.owner === null ? undefined : files.get(ev.owner);
        if (file) { file.writeEvent(ev); calendarRecords++; }
      }
    }
    planned.delete(i - 2);

    const today = dayAt(startDate, i);
    if (today.weekday !== 0 && today.weekday !== 6 && active.length >= 2) {
      const slackOnly = Math.round(active.length * 0.035 * (0.5 + stepRng.next()));
      for (let k = 0; k < slackOnly * 2; k++) {
        const starter = stepRng.pick(active);
        const mates = (org.teams.get(starter.team) ?? []).map((x) => org.people[x] as OrgPerson).filter((p) => p !== starter && p.slackId && !p.deleted);
        const pool = mates.length > 0 && stepRng.chance(0.7) ? mates : active.filter((p) => p !== starter);
        const at = Math.max(earliest + stepRng.int(3600) * 1000, zonedToUtc(today.year, today.month, today.day, stepRng.between(9, 17), stepRng.int(60), starter.tz));
        if (k % 2 === 0) {
          const group = [starter, ...stepRng.sample(pool, stepRng.weighted([[1, 50], [2, 30], [3, 20]] as const))];
          const teamCh = org.channels.find((c) => c.flavor === 'team' && c.team === starter.team && group.every((g) => c.members.includes(g.idx)));
          const r = stepRng.next();
          const ch = teamCh && r < 0.75 ? teamCh : group.length === 2 ? ws.dmBetween(starter, group[1] as OrgPerson) : ws.mpim(group.map((g) => g.idx));
          huddle(ctx, ch, group, at);
        } else {
          const callee = stepRng.pick(pool);
          const teamCh = org.channels.find((c) => c.flavor === 'team' && c.members.includes(starter.idx) && c.members.includes(callee.idx));
          const ch = teamCh && stepRng.chance(0.25) ? teamCh : ws.dmBetween(starter, callee);
          adhocCall(ctx, ch, starter, callee, at);
        }
        writer.sealIfLarge();
      }
    }

    const driveCount = Math.round(humans.length * 0.3 * weight(i) * (0.7 + 0.6 * stepRng.next()));
    for (let k = 0; k < driveCount; k++) drive.add(stepRng, stepRng.pick(humans), earliest + stepRng.int(DAY / MINUTE) * MINUTE);

    cumulativeWeight += weight(i);
    const desired = Math.round(humans.length + ((target - humans.length) * cumulativeWeight) / totalWeight);
    const produced = humans.length + writer.messages + calendarRecords + drive.count;
    writeFiller(ws, fillerPlan, stepRng, startDate, i, Math.max(0, desired - produced), laMidnight(i - 1));
    if (i >= 2) writer.flushThrough(dayAt(startDate, i - 2).iso);
    log.debug({ day: i, messages: writer.messages, calendarRecords }, 'day generated');
  }
  writer.flushAll();
  for (const f of files.values()) f.close();
  drive.close();
  const dms = [...ws.dms.values()];
  // A group DM opened for a conversation that then posted nothing has no folder, so it is not listed either.
  const mpims = [...ws.mpims.values()].filter((c) => writer.wroteTo(c.folder));
  writeSlackMeta(slackDir, org, dms, mpims, startMs);
  writeDirectory(join(out, 'google', 'directory'), org);
  const peopleRows = writePeopleCsv(join(out, 'people.csv'), org);

  meetingsTmp.close();
  messagesTmp.close();
  const truthFd = openSync(join(out, 'truth.json'), 'w');
  writeSync(truthFd, '{\n"version": 1,\n"meetings": [\n');
  writeSync(truthFd, readFileSync(meetingsTmp.path));
  writeSync(truthFd, '\n],\n"messages": [\n');
  writeSync(truthFd, readFileSync(messagesTmp.path));
  writeSync(truthFd, '\n]\n}\n');
  closeSync(truthFd);
  rmSync(meetingsTmp.path, { force: true });
  rmSync(messagesTmp.path, { force: true });

  const summary: GenerateSummary = {
    out, people: peopleRows, channels: org.channels.length + dms.length + mpims.length, messages: writer.messages,
    calendarEvents: calendarRecords, driveFiles: drive.count, records: peopleRows + writer.messages + calendarRecords + drive.count,
    meetings: ws.meetingCount, meetingMessages: writer.meetingMessages, slackOnlyMeetings: ws.slackOnlyMeetings,
  };
  log.info({ ...summary }, 'bundle generated');
  return summary;
}

/**
 * Old-generation cap of the generating worker. What stays live grows slowly with the run
 * (DM and group-DM conversations, the truth meeting index): scale 10 fits in 128 MB (peak
 * process RSS about 260 MB) but not in 96, so larger scales get a proportionally larger cap.
 */
function workerHeapMb(scale: number): number {
  return 128 + Math.max(0, Math.ceil((scale - 10) * 10));
}

export type WorkerReport =
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; obj: object; msg?: string }
  | { type: 'done'; summary: GenerateSummary }
  | { type: 'failed'; message: string; usage: boolean };

/**
 * Writes the bundle described by `opts` into `opts.out` (replacing the slack/, google/,
 * people.csv and truth.json it may already hold) and resolves with what was written.
 * Rejects with UsageError for bad options. Runs in a worker thread whose heap is capped, so
 * peak memory stays flat at any scale.
 */
export async function generateBundle(opts: GenerateOptions, logger: Logger = silentLogger): Promise<GenerateSummary> {
  validate(opts);
  const log = logger.child({ component: 'generate' });
  const worker = new Worker(new URL('./generate.worker.js', import.meta.url), {
    workerData: { ...opts },
    resourceLimits: { maxOldGenerationSizeMb: workerHeapMb(opts.scale), maxYoungGenerationSizeMb: 8 },
  });
  return new Promise<GenerateSummary>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => { if (!settled) { settled = true; fn(); } };
    worker.on('message', (report: WorkerReport) => {
      if (report.type === 'log') log[report.level](report.obj, report.msg);
      else if (report.type === 'done') settle(() => resolve(report.summary));
      else settle(() => reject(report.usage ? new UsageError(report.message) : new Error(`generate failed: ${report.message}`)));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`generate worker exited with code ${code} before finishing`))));
  });
}
