/**
 * Slack Web API objects → records. Messages and users have the same shape in the API as in an
 * export, so the export mapping is reused: collecting and replaying give the same records.
 */
import type { Channel } from '../../core/records.js';
import { mapSlackChannel } from '../slack-export/slack-export.mapping.js';
import type { Mapped } from '../slack-export/slack-export.mapping.js';

export { mapSlackMessage, mapSlackUser } from '../slack-export/slack-export.mapping.js';

/** The channel kind from conversations.list flags. */
export function channelKindOf(entry: Record<string, unknown>): Channel['kind'] {
  if (entry['is_im'] === true) return 'im';
  if (entry['is_mpim'] === true) return 'mpim';
  if (entry['is_private'] === true || entry['is_group'] === true) return 'private';
  return 'public';
}

/** A conversations.list entry → channel, without the API-only flags in what is mapped. */
export function mapApiChannel(entry: Record<string, unknown>): Mapped<Channel> {
  return mapSlackChannel(entry, channelKindOf(entry));
}

/** Conversation types for conversations.list, from the kinds the config asks for. */
export const TYPE_OF_KIND: Readonly<Record<Channel['kind'], string>> = { public: 'public_channel', private: 'private_channel', im: 'im', mpim: 'mpim' };

/** A Slack ts shifted by whole seconds (negative goes back), keeping six decimals. */
export function shiftTs(ts: string, seconds: number): string {
  const value = Number(ts) + seconds;
  return (value > 0 ? value : 0).toFixed(6);
}

export function tsAfter(a: string, b: string): boolean {
  return Number(a) > Number(b);
}
