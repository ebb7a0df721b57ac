/**
 * Slack markup → plain text for detection: mentions, channels, broadcasts, links and
 * `<!date^…>` tokens are decoded, `&amp; &lt; &gt;` unescaped after the tokens are parsed
 * (the order Slack requires), and code blocks, inline code and log lines removed, since
 * "call" or "3pm" inside code says nothing about meetings.
 */
import type { Millis } from '../core/envelope.js';

export interface DecodedText {
  /** Readable text, code removed. */
  readonly text: string;
  /** Instants given by `<!date^epoch^…>` tokens: exact, zone-free times. */
  readonly dates: Millis[];
}

const TOKEN = /<([^<>]+)>/g;
const LOG_LINE = /^\s*(?:\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\[?(?:ERROR|WARN(?:ING)?|INFO|DEBUG|TRACE|FATAL)\]?[\s:]|\d{2}:\d{2}:\d{2}[.,]\d+|at [\w$.]+\(.*:\d+:\d+\)|Traceback \(most recent|\$ |> ?\$ )/;

function decodeToken(inner: string, dates: Millis[]): string {
  if (inner.startsWith('@')) {
    const [id, label] = inner.slice(1).split('|');
    return `@${label || id}`;
  }
  if (inner.startsWith('#')) {
    const [id, label] = inner.slice(1).split('|');
    return `#${label || id}`;
  }
  if (inner.startsWith('!date^')) {
    const [spec = '', fallback = ''] = inner.split('|');
    const epoch = Number(spec.split('^')[1]);
    if (Number.isFinite(epoch) && epoch > 0) dates.push(epoch * 1000);
    return fallback;
  }
  if (inner.startsWith('!subteam^')) {
    const label = inner.split('|')[1];
    return label ?? '@group';
  }
  if (inner.startsWith('!')) {
    const [name = '', label] = inner.slice(1).split('|');
    return label ?? `@${name}`;
  }
  const bar = inner.indexOf('|');
  if (/^(?:https?|mailto|tel):/i.test(inner)) {
    return bar >= 0 ? `${inner.slice(bar + 1)} ${inner.slice(0, bar)}` : inner;
  }
  return `<${inner}>`;
}

/** Decode Slack markup and drop code, so that detection reads only what people wrote. */
export function decodeSlackText(raw: string): DecodedText {
  const dates: Millis[] = [];
  let text = raw.replace(/```[\s\S]*?(?:```|$)/g, ' ');
  text = text.replace(/`[^`\n]*`/g, ' ');
  text = text.replace(TOKEN, (_m, inner: string) => decodeToken(inner, dates));
  text = text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  text = text
    .split('\n')
    .filter((line) => !LOG_LINE.test(line))
    .join('\n');
  text = text.replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"');
  return { text: text.trim(), dates };
}
