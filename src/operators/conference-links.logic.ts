/**
 * Conference links: the join URLs of Zoom, Google Meet, Microsoft Teams and Webex meetings,
 * and Google Calendar event links. A link posted in Slack is matched to a calendar event by
 * its `conferenceKey`, which ignores everything that differs between two copies of the same
 * link (scheme, subdomain, passwords and tracking parameters).
 */

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>|"'`)\]]+/gi;
const BARE_MEET = /\bmeet\.google\.com\/([a-z]{3}-[a-z]{4}-[a-z]{3})\b/gi;

function parse(url: string): URL | null {
  try {
    return new URL(url.trim().replace(/[.,;:!?]+$/, ''));
  } catch {
    return null;
  }
}

/**
 * A comparable key for a conference link, or null when the URL is not one:
 * `zoom:<meeting id>` or `zoom:my/<room>`, `meet:<code>`, `teams:<thread id>`,
 * `webex:<host>/<path>`, `gcal:<eid>`.
 */
export function conferenceKey(url: string): string | null {
  const u = parse(url);
  if (!u) return null;
  const host = u.hostname.toLowerCase();
  const path = decodeSafe(u.pathname);
  if (host === 'zoom.us' || host.endsWith('.zoom.us') || host.endsWith('.zoomgov.com')) {
    const id = /\/(?:j|w|s|wc(?:\/join)?)\/(\d{9,12})/.exec(path) ?? /\/wc\/(\d{9,12})/.exec(path);
    if (id) return `zoom:${id[1]}`;
    const my = /\/my\/([\w.-]+)/i.exec(path);
    if (my) return `zoom:my/${my[1]!.toLowerCase()}`;
    const confno = u.searchParams.get('confno');
    if (confno && /^\d{9,12}$/.test(confno)) return `zoom:${confno}`;
    return null;
  }
  if (host === 'meet.google.com') {
    const code = /^\/([a-z]{3}-[a-z]{4}-[a-z]{3})\b/i.exec(path) ?? /^\/lookup\/([\w-]+)/i.exec(path);
    return code ? `meet:${code[1]!.toLowerCase()}` : null;
  }
  if (host === 'teams.microsoft.com' || host === 'teams.live.com') {
    const thread = /meetup-join\/([^/]+)/i.exec(path) ?? /\/meet\/(\d+)/i.exec(path);
    return thread ? `teams:${thread[1]!.toLowerCase()}` : null;
  }
  if (host.endsWith('.webex.com')) {
    if (!/\/(?:meet|join|j\.php|m\/|wbxmjs|webappng)/i.test(path) && !u.searchParams.has('MTID')) return null;
    const mtid = u.searchParams.get('MTID');
    return mtid ? `webex:${mtid.toLowerCase()}` : `webex:${host}${path.toLowerCase().replace(/\/+$/, '')}`;
  }
  if (host === 'calendar.google.com' || host === 'www.google.com') {
    if (host === 'www.google.com' && !path.startsWith('/calendar')) return null;
    const eid = u.searchParams.get('eid');
    return eid ? `gcal:${eid}` : null;
  }
  return null;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The URL without its query string, fragment and trailing slash, with a lower-case host. */
function normalise(url: string): string {
  const u = parse(url);
  if (!u) return url;
  const keepQuery = u.hostname.endsWith('.webex.com') || u.hostname.startsWith('calendar.') || u.hostname === 'www.google.com';
  // Zoom's ?pwd= is a secret-ish passcode; the id alone identifies the meeting.
  const query = keepQuery ? u.search : '';
  return `https://${u.hostname.toLowerCase()}${u.pathname.replace(/\/+$/, '')}${query}`;
}

/**
 * The conference links among `urls` (already extracted by the source) and those written in
 * `text` (including a bare `meet.google.com/abc-defg-hij`), normalised and de-duplicated by key.
 */
export function findConferenceLinks(urls: string[], text: string): string[] {
  const candidates = [...urls];
  for (const m of text.matchAll(URL_IN_TEXT)) candidates.push(m[0]);
  for (const m of text.matchAll(BARE_MEET)) candidates.push(`https://meet.google.com/${m[1]}`);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of candidates) {
    const key = conferenceKey(c);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    out.push(normalise(c));
  }
  return out;
}
