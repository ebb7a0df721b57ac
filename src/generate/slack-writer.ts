/**
 * Buffers Slack messages by conversation folder and America/Los_Angeles day, gives each a
 * ts unique in its channel, keeps thread parents' summaries (reply_count, replies, ...)
 * current, and writes each day file once its day can no longer receive messages.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChannelDef } from './org.js';
import type { Rng } from './rng.js';
import { laDate, slackTs } from './time.js';

export interface TruthTag { meeting: string; kind: string }

export interface Pending {
  channel: string;
  /** The message while it may still change (thread summary, edits); cleared once sealed. */
  obj: Record<string, unknown>;
  /** The message as it will appear in its day file, once sealed. */
  json: string | null;
  time: number;
  ts: string;
  truth: TruthTag | null;
}

export class SlackWriter {
  private readonly days = new Map<string, Map<string, Pending[]>>();
  private readonly used = new Set<string>();
  private readonly folders = new Set<string>();
  private flushedThrough = '';
  private open: Pending[] = [];
  messages = 0;
  meetingMessages = 0;

  constructor(private readonly root: string, private readonly rng: Rng, private readonly truthLine: (line: string) => void) {}

  /** Adds a message posted at `time`; `obj` holds every field but `ts`, which is assigned here. */
  add(ch: ChannelDef, obj: Record<string, unknown>, time: number, truth: TruthTag | null = null): Pending {
    const date = laDate(time);
    if (date <= this.flushedThrough) throw new Error(`internal: message for ${ch.folder}/${date} after that day was written`);
    let micros = this.rng.int(1000);
    let ts = slackTs(time, micros);
    while (this.used.has(`${ch.id}|${ts}`)) ts = slackTs(time, ++micros);
    this.used.add(`${ch.id}|${ts}`);
    obj.ts = ts;
    const pending: Pending = { channel: ch.id, obj, json: null, time, ts, truth };
    this.open.push(pending);
    let byDate = this.days.get(ch.folder);
    if (!byDate) { byDate = new Map(); this.days.set(ch.folder, byDate); }
    let list = byDate.get(date);
    if (!list) { list = []; byDate.set(date, list); }
    list.push(pending);
    this.messages++;
    if (truth) this.meetingMessages++;
    return pending;
  }

  /** Adds a thread reply under `parent` and updates the parent's thread summary. */
  reply(ch: ChannelDef, parent: Pending, obj: Record<string, unknown>, time: number, truth: TruthTag | null = null): Pending {
    if (parent.json !== null) throw new Error(`internal: reply to ${parent.channel} ${parent.ts} after its step was sealed`);
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
   * Freezes every message added so far into its final JSON text. Threads are built within one
   * generation step, so after a step nothing changes; text is far more compact than objects.
   */
  seal(): void {
    for (const m of this.open) {
      m.json = `    ${JSON.stringify(m.obj, null, 4).replace(/\n/g, '\n    ')}`;
      m.obj = {};
    }
    this.open = [];
  }

  /** Writes every day file dated on or before `date` (YYYY-MM-DD). */
  flushThrough(date: string): void {
    this.seal();
    for (const folder of [...this.days.keys()].sort()) {
      const byDate = this.days.get(folder) as Map<string, Pending[]>;
      for (const day of [...byDate.keys()].sort()) {
        if (day > date) continue;
        const list = (byDate.get(day) as Pending[]).sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
        if (!this.folders.has(folder)) { mkdirSync(join(this.root, folder), { recursive: true }); this.folders.add(folder); }
        writeFileSync(join(this.root, folder, `${day}.json`), `[\n${list.map((m) => m.json).join(',\n')}\n]\n`);
        for (const m of list) {
          this.used.delete(`${m.channel}|${m.ts}`);
          if (m.truth) this.truthLine(JSON.stringify({ channel: m.channel, ts: m.ts, meeting: m.truth.meeting, kind: m.truth.kind }));
        }
        byDate.delete(day);
      }
      if (byDate.size === 0) this.days.delete(folder);
    }
    if (date > this.flushedThrough) this.flushedThrough = date;
  }

  flushAll(): void {
    this.seal();
    this.flushThrough('9999-12-31');
  }
}
