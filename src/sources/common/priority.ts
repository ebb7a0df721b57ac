/**
 * The order in which a live source reads its channels or calendars: with bounded concurrency,
 * what is read first is durable first. By default the most recently active go first (what
 * people look at soonest); `first` names some to read before all others.
 */
import { z } from 'zod';

export const PriorityConfig = {
  priority: z.enum(['recent', 'listed']).default('recent').describe('Order of reading: recent (most recently active first) or listed (as the API lists them).'),
  first: z.array(z.string().min(1)).default([]).describe('Ids or names read before all others, in this order.'),
};

export interface PriorityItem {
  id: string;
  name?: string | null;
  /** Milliseconds of the latest known activity; null when unknown (read after those known). */
  lastActive: number | null;
}

export function priorityOrder<T>(items: readonly T[], describe: (item: T) => PriorityItem, policy: { priority: 'recent' | 'listed'; first: readonly string[] }): T[] {
  const rank = (d: PriorityItem): number => {
    const byId = policy.first.indexOf(d.id);
    const byName = d.name ? policy.first.indexOf(d.name) : -1;
    const hits = [byId, byName].filter((i) => i >= 0);
    return hits.length ? Math.min(...hits) : Number.POSITIVE_INFINITY;
  };
  const keyed = items.map((item, index) => ({ item, index, d: describe(item) }));
  keyed.sort((a, b) => {
    const ra = rank(a.d);
    const rb = rank(b.d);
    if (ra !== rb) return ra - rb;
    if (policy.priority === 'recent') {
      const la = a.d.lastActive ?? Number.NEGATIVE_INFINITY;
      const lb = b.d.lastActive ?? Number.NEGATIVE_INFINITY;
      if (la !== lb) return lb - la;
    }
    return a.index - b.index;
  });
  return keyed.map((k) => k.item);
}
