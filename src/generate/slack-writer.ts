/**
 * Collects Slack messages, gives each a ts unique in its channel, keeps thread parents'
 * summaries (reply_count, replies, ...) current while a generation step runs, then spools
 * each message as final JSON text to a per-day file on disk. A day's files are written once
 * that day can no longer receive messages, so memory holds about one step of messages.
 */
import { appendFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChannelDef } from './org.js';
import type { Rng } from './rng.js';
import { laDate, slackTs } from './time.js';

export interface TruthTag { meeting: string; kind: string }

export interface Pending {
  channel: string;
  folder: string;
  date: string;
  /** The message while it may still change (thread summary, edits). */
  obj: Record<string, unknown>;
  sealed: boolean;
  time: number;
  ts: string;
  truth: TruthTag | null;
}

// JSON.stringify escapes control characters inside strings, so a raw TAB or SOH in its output
// can only be ours: fields are separated by TAB and the layout's newlines are kept as SOH.
const SEP = '\t';
const NL = '\u0001';

export class SlackWriter {
  private readonly used = new Set<string>();
  private readonly folders = new Set<string>();
  private readonly spoolDir: string;
  private readonly spooled = new Set<string>();
  private open: Pending[] = [];
  private flushedThrough = '';
  messages = 0;
  meetingMessages = 0;

  constructor(private readonly root: string, spoolDir: string, private readonly rng: Rng, private readonly truthLine: (line: string) => void) {
    this.spoolDir = spoolDir;
    rmSync(spoolDir, { recursive: true, force: true });
    mkdirSync(spoolDir, { recursive: true });
  }

  /** Adds a message posted at `time`; `obj` holds every field but `ts`, which is assigned here. */
  /** Whether any message was written to this channel folder. */
  wroteTo(folder: string): boolean {
    return this.folders.has(folder);
  }

  add(ch: ChannelDef, obj: Record<string, unknown>, time: number, truth: TruthTag | null = null): Pending {
    const date = laDate(time);
    if (date <= this.flushedThrough) throw new Error(`internal: message for ${ch.folder}/${date} after that day was written`);
    let micros = this.rng.int(1000);
    let ts = slackTs(time, micros);
    while (this.used.has(`${ch.id}|${ts}`)) ts = slackTs(time, ++micros);
    this.used.add(`${ch.id}|${ts}`);
    obj.ts = ts;
    // Folder names are remembered from the channel, never from spool text: a substring of a
    // spool file would keep that whole file alive.
    if (!this.folders.has(ch.folder)) { mkdirSync(join(this.root, ch.folder), { recursive: true }); this.folders.add(ch.folder); }
    const pending: Pending = { channel: ch.id, folder: ch.folder, date, obj, sealed: false, time, ts, truth };
    this.open.push(pending);
    this.messages++;
    if (truth) this.meetingMessages++;
    return pending;
  }

  /** Adds a thread reply under `parent` and updates the parent's thread summary. */
  reply(ch: ChannelDef, parent: Pending, obj: Record<string, unknown>, time: number, truth: TruthTag | null = null): Pending {
    if (parent.sealed) throw new Error(`internal: reply to ${parent.channel} ${parent.ts} after its step was sealed`);
    const at = Math.max(time, parent.time + 1000);
    const p = parent.obj;
    const child = this.add(ch, obj, at, truth);
    const replyUser = typeof obj.user === 'string' ? obj.user : 'USLACKBOT';
    const replies = (p.replies as { user: string; ts: string }[] | undefined) ?? [];
    replies.push({ user: replyUser, ts: child.ts });
    const users = (p.reply_users as string[] | undefined) ?? [];
    if (!users.includes(replyUser)) users.push(replyUser);
    p.thread_ts = parent.ts;
    p.reply_count = replies.length;
    p.reply_users_count = users.length;
    p.latest_reply = replies.reduce((a, r) => (r.ts > a ? r.ts : a), '0');
    p.reply_users = users;
    p.replies = replies;
    p.is_locked = false;
    p.subscribed = false;
    obj.thread_ts = parent.ts;
    if (typeof p.user === 'string') obj.parent_user_id = p.user;
    return child;
  }

  /**
   * Freezes every message added so far into its final JSON text in the spool. Threads are
   * built within one generation step, so after a step nothing about them changes.
   */
  seal(): void {
    const byDate = new Map<string, string[]>();
    for (const m of this.open) {
      const line = [m.folder, m.channel, m.ts, m.truth ? `${m.truth.meeting} ${m.truth.kind}` : '', JSON.stringify(m.obj, null, 4).replace(/\n/g, NL)].join(SEP);
      let lines = byDate.get(m.date);
      if (!lines) { lines = []; byDate.set(m.date, lines); }
      lines.push(line);
      m.sealed = true;
    }
    for (const [date, lines] of byDate) {
      appendFileSync(join(this.spoolDir, date), `${lines.join('\n')}\n`);
      this.spooled.add(date);
    }
    this.open = [];
  }

  /** Seals once enough messages are open; call only where no thread is still being built. */
  sealIfLarge(limit = 2000): void {
    if (this.open.length >= limit) this.seal();
  }

  /** Writes every day file dated on or before `date` (YYYY-MM-DD). */
  flushThrough(date: string): void {
    this.seal();
    for (const day of [...this.spooled].sort()) {
      if (day > date) continue;
      const path = join(this.spoolDir, day);
      const byFolder = new Map<string, { channel: string; ts: string; truth: string; json: string }[]>();
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (!line) continue;
        const [folder, channel, ts, truth, json] = line.split(SEP) as [string, string, string, string, string];
        let list = byFolder.get(folder);
        if (!list) { list = []; byFolder.set(folder, list); }
        list.push({ channel, ts, truth, json });
      }
      for (const folder of [...byFolder.keys()].sort()) {
        const list = (byFolder.get(folder) ?? []).sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
        writeFileSync(join(this.root, folder, `${day}.json`), `[\n${list.map((m) => `    ${m.json.split(NL).join('\n    ')}`).join(',\n')}\n]\n`);
        for (const m of list) {
          this.used.delete(`${m.channel}|${m.ts}`);
          if (m.truth) {
            const [meeting, kind] = m.truth.split(' ');
            this.truthLine(JSON.stringify({ channel: m.channel, ts: m.ts, meeting, kind }));
          }
        }
      }
      rmSync(path);
      this.spooled.delete(day);
    }
    if (date > this.flushedThrough) this.flushedThrough = date;
  }

  flushAll(): void {
    this.flushThrough('9999-12-31');
    if (readdirSync(this.spoolDir).length === 0) rmSync(this.spoolDir, { recursive: true, force: true });
  }
}
