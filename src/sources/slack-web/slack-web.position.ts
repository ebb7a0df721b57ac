/**
 * The slack-web cursor. Its `position` is one JSON value per source: a map from channel id to
 * that channel's progress, so a run that reads many channels concurrently still checkpoints
 * as a single value. The runtime persists the cursor of the last durable envelope that has one.
 */
import type { Cursor } from '../../core/envelope.js';

export interface ChannelPosition {
  /** Every top-level message at or before this ts has been delivered (null: none yet). */
  readonly latest: string | null;
  /**
   * Threads inside the lookback window: parent ts → `reply_count|latest_reply` as last read.
   * A thread whose signature is unchanged is not fetched again.
   */
  readonly threads: Readonly<Record<string, string>>;
  /**
   * A history pass still under way (history comes newest first): messages in (latest, below)
   * are still to be read, and `upper` becomes `latest` once they are.
   */
  readonly scan?: { readonly upper: string; readonly below: string };
}

export interface SlackWebPosition {
  readonly channels: Readonly<Record<string, ChannelPosition>>;
}

export const EMPTY_CHANNEL: ChannelPosition = { latest: null, threads: {} };

function isChannelPosition(value: unknown): value is ChannelPosition {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const scanOk = v['scan'] === undefined || (typeof v['scan'] === 'object' && v['scan'] !== null && typeof (v['scan'] as Record<string, unknown>)['upper'] === 'string' && typeof (v['scan'] as Record<string, unknown>)['below'] === 'string');
  return (v['latest'] === null || typeof v['latest'] === 'string') && typeof v['threads'] === 'object' && v['threads'] !== null && scanOk;
}

/** The position to resume from: the cursor's when it belongs to this source and is well formed, else empty. */
export function slackWebPositionOf(sourceType: string, from: Cursor | undefined): SlackWebPosition {
  if (from === undefined || from.source !== sourceType || typeof from.position !== 'object' || from.position === null) return { channels: {} };
  const channels = (from.position as Record<string, unknown>)['channels'];
  if (typeof channels !== 'object' || channels === null) return { channels: {} };
  return { channels: Object.fromEntries(Object.entries(channels).filter(([, p]) => isChannelPosition(p))) as Record<string, ChannelPosition> };
}
