/** URL extraction shared by the Slack and calendar mappings. */

const BARE_URL = /https?:\/\/[^\s<>"'|)\]]+/g;

/** Every http(s) URL in free text, trailing punctuation trimmed, in order of appearance. */
export function findUrls(value: string): string[] {
  const out: string[] = [];
  for (const match of value.matchAll(BARE_URL)) out.push(match[0].replace(/[.,;:!?]+$/, ''));
  return out;
}

/** Order-preserving de-duplication. */
export function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}
