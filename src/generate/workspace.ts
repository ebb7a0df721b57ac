/**
 * The live Slack workspace during generation: conversations opened on demand (DMs, MPIMs),
 * message object builders in the shape Slack exports them, and the truth meeting registry.
 */
import type { ChannelDef, Org, OrgPerson } from './org.js';
import { TEAM_ID } from './org.js';
import { Rng, slackId } from './rng.js';
import type { SlackWriter } from './slack-writer.js';

export class Workspace {
  readonly dms = new Map<string, ChannelDef>();
  readonly mpims = new Map<string, ChannelDef>();
  private readonly meetings = new Map<string, string>();
  meetingCount = 0;
  slackOnlyMeetings = 0;

  constructor(
    readonly org: Org,
    readonly writer: SlackWriter,
    private readonly rng: Rng,
    private readonly meetingLine: (line: string) => void,
    private readonly startSec: number,
  ) {}

  /** The DM between two Slack users (a person or a bot), opened on first use. */
  dm(a: string, b: string, members: number[]): ChannelDef {
    const key = [a, b].sort().join('|');
    let ch = this.dms.get(key);
    if (!ch) {
      const id = slackId(this.rng, 'D');
      ch = { id, name: id, folder: id, kind: 'im', flavor: 'dm', members, botMembers: [a, b].filter((u) => !members.some((i) => this.org.people[i]?.slackId === u)),
        created: this.startSec - this.rng.between(1, 400) * 86_400, creator: members[0] ?? 0, topic: '', purpose: '' };
      this.dms.set(key, ch);
    }
    return ch;
  }

  dmBetween(a: OrgPerson, b: OrgPerson): ChannelDef {
    return this.dm(a.slackId as string, b.slackId as string, [a.idx, b.idx].sort((x, y) => x - y));
  }

  /** The group DM of exactly these people, opened on first use. */
  mpim(idxs: number[]): ChannelDef {
    const sorted = [...new Set(idxs)].sort((a, b) => a - b);
    const key = sorted.join('|');
    let ch = this.mpims.get(key);
    if (!ch) {
      const name = `mpdm-${sorted.map((i) => this.org.people[i]?.handle).join('--')}-1`;
      ch = { id: slackId(this.rng, 'C'), name, folder: name, kind: 'mpim', flavor: 'mpim', members: sorted, botMembers: [],
        created: this.startSec - this.rng.between(1, 200) * 86_400, creator: sorted[0] ?? 0, topic: '', purpose: `Group messaging with: ${sorted.map((i) => `@${this.org.people[i]?.handle}`).join(' ')}` };
      this.mpims.set(key, ch);
    }
    return ch;
  }

  /** A user message as exports hold it; `ts` is filled in by the writer. */
  userMsg(p: OrgPerson, text: string, rng: Rng): Record<string, unknown> {
    return {
      client_msg_id: uuid(rng), type: 'message', text, user: p.slackId, ts: '',
      blocks: [{ type: 'rich_text', block_id: rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 5), elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }] }],
      team: TEAM_ID, user_team: TEAM_ID, source_team: TEAM_ID,
    };
  }

  /** The truth id of a meeting, registering it (and writing its truth entry) on first use. */
  meeting(key: string, entry: () => Record<string, unknown>): string {
    let id = this.meetings.get(key);
    if (!id) {
      id = `m${++this.meetingCount}`;
      this.meetings.set(key, id);
      const body = entry();
      if (body.calendar_event_id === null) this.slackOnlyMeetings++;
      this.meetingLine(JSON.stringify({ id, ...body }));
    }
    return id;
  }
}

export function uuid(rng: Rng): string {
  const h = rng.chars('0123456789abcdef', 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[rng.int(4)]}${h.slice(17, 20)}-${h.slice(20)}`;
}
