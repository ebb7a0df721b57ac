/**
 * Messages that are not about any one meeting, by channel flavor. Many deliberately look
 * like coordination (times, "call", 👍 replies, meetings in general) so that a detector has
 * to understand them rather than match words.
 */
import type { Rng } from './rng.js';
import { TOPICS } from './phrasings.js';

const SERVICES = ['api', 'web', 'billing-svc', 'search-indexer', 'auth', 'notifications', 'ledger', 'gateway', 'worker', 'mobile-bff'];
const TIMES = ['3pm', '10am', '4:30pm', '11:00', '14:00', '9am PT', '5pm', 'noon', '2pm ET', '16:30 CET', 'EOD', '6pm'];
const DAYS = ['today', 'tomorrow', 'Friday', 'Monday', 'thu', 'next week', 'Wednesday', 'tmrw'];

const BY_FLAVOR: Record<string, readonly string[]> = {
  deploys: [
    'deploying {svc} to prod at {time}', 'code freeze starts {day} {time}', 'release train leaves {day} at {time}, get your PRs in',
    'rolling back {svc}, error rate spiked', '{svc} v2.{n}.{m} is out', 'holding deploys until {time} for the migration',
    'hotfix for {svc} going out now', 'canary for {svc} looks good, promoting at {time}', 'deploy window moved to {time} {day}',
    'who is deploying {svc}? queue is stuck', 'prod deploy done ✅', 'staging is broken, please don’t deploy {svc}',
    'merging the config change after the {time} deploy', 'release notes for {day}: <https://github.com/northwind/{svc}/releases|here>',
  ],
  incidents: [
    ':rotating_light: SEV2: elevated 5xx on {svc}', 'timeline: {time} alert fired, {time} mitigated', 'status page updated',
    'root cause looks like a bad index on {svc}', 'paging the on-call for {svc}', 'on-call handoff: nothing major, {svc} flaky again',
    'incident resolved, postmortem due {day} {time}', '```\nERROR {svc} connection refused (pool exhausted) at 14:02:11Z\n```',
    'customers reporting slow checkout since {time}', 'mitigation: scaled {svc} to 12 replicas', 'I’m IC for this one',
    'can someone look at the {svc} dashboards? p99 is 3s', 'postmortem doc: <https://docs.google.com/document/d/1pm{n}x/edit|PM-{n}>',
    'handing off on-call to {name} at {time}', 'alerts are noisy again for {svc}',
  ],
  random: [
    'lunch at 12:30? thinking tacos', 'anyone up for coffee at {time}?', 'happy friday! 🎉', 'who wants to grab drinks after work {day}?',
    'my cat just walked across my keyboard mid-sentence', 'we have too many meetings lol', 'meeting-free wednesdays when?',
    'good call on the pizza place yesterday', 'pub quiz {day} at 7pm, who is in?', 'birthday cake in the kitchen!', 'anyone watching the game?',
    'book club moved to {day} evening', 'parking garage closes at {time} today', 'new coffee machine is 🔥', 'running club 7am {day}, all paces',
    'the office wifi is down again', 'recommendations for a good standing desk?', 'calendar tetris this week is unreal 😩',
    'dinner at 7 tomorrow? my treat 🍝', 'yoga {day} at {time}, join us!', 'team lunch {day} at {time}, RSVP in the thread',
    'can we do karaoke {day} instead of bowling?', 'my dentist appointment got moved to {day} {time} 🙄',
  ],
  work: [
    'PR is up: <https://github.com/northwind/{svc}/pull/{n}|#{n}>', 'can someone review <https://github.com/northwind/{svc}/pull/{n}>?',
    'the doc is here <https://docs.google.com/document/d/1x{n}q/edit|{topic} draft>', 'due {day} {time}: the {topic} writeup',
    'good call, let’s do that', 'that function call is expensive, we should cache it', '`client.call(ctx, req)` returns nil when the token expired',
    'FYI {topic} slipped a week', 'updated the spec for {topic}', 'I’ll take a look after lunch', 'thanks!', 'nice work on {topic} 🙌',
    'is anyone else seeing flaky tests in {svc}?', 'deadline for {topic} is {day} {time}', 'blocked on review for {topic}',
    '```\nconst res = await api.call("/v1/{svc}", { retries: 3 })\n```', 'we should talk about {topic} at some point', 'too many meetings this week, going heads down',
    'I moved the ticket to in progress', 'ship it', 'do we have numbers on {topic}?', 'added comments on the doc',
    'out {day}, back {day2}', 'heads down on {topic} until {time}', 'quarter planning is due {day}', 'who owns {svc} these days?',
    'calling the new endpoint from the worker now', 'the vendor will call us back about pricing', 'good call on splitting the PR',
    'can you check the logs? `WARN {svc} retrying in {n}ms (attempt {m})`', 'merged 🎉', 'let me know what you think of {topic}',
    'I think meetings should have agendas in general', 'our standups used to be shorter', 'working from the café today',
    'anyone know why {svc} p95 jumped {day}?', 'filed <https://northwind.atlassian.net/browse/{proj}-{n}|{proj}-{n}> for {topic}',
    'rebased on main, tests green now', 'does {name} have context on {topic}?', 'left a few nits on the PR, nothing blocking',
    'the flaky test is `{svc}_integration_test.go:{n}`', 'TIL you can set timeouts per call in the client', 'I’ll pick up {proj}-{n} next',
    'bumped the node version in {svc}, watch for weirdness', 'who broke the build? 😅', 'docs for {topic} are out of date, updating',
    'the cron runs at {time} UTC, not local', 'feature flag for {topic} is at 20% now', 'we can revisit {topic} next quarter',
    'sorry, missed this, looking now', 'got a repro for the {svc} bug', 'estimate for {topic} is ~{m} days', 'moving {topic} to the backlog',
    'anyone have the link to the {topic} dashboard?', 'the {svc} budget alert fired again', 'new hire starts {day}, pls say hi to {name}',
    '{name} can you take {proj}-{n}?', 'closing this out, thanks all', 'the API call returns 429 under load', 'need a second pair of eyes on {proj}-{n}',
    'I’d rather not call that from the hot path', 'interview loop for the senior role is next week', 'that was a good call by {name}',
    'added {name} to the on-call rotation', 'spreadsheet for {topic}: <https://docs.google.com/spreadsheets/d/1s{n}k/edit|here>',
    'demo video of {topic}: <https://drive.google.com/file/d/1v{n}/view|link>', 'the retro doc has some good points about meeting load',
    'what timezone is the {topic} deadline in?', 'slides are ready for {topic}', 'benchmark: {svc} handles {n} rps on one node',
    // Harder: meeting words and scheduling verbs about things that are not meetings.
    'can we move {topic} to next sprint?', 'the {svc} sync job runs at {time} every night', 'the standup bot is broken again',
    'let’s sync the {svc} config with staging {day}', 'reminder: expense reports are due {day} {time}', 'does {time} {day} work for the {svc} deploy?',
    'cancel {proj}-{n}, it’s a dup', 'zoom in on the {svc} graph, the spike is at {time}', 'the meeting room booking tool is down again',
    'moving my desk to the 3rd floor {day}', 'meet {name}, our new intern! 👋', 'can you join #{svc}-alerts? it pages at night',
    'pushing the {svc} release to {day}, QA found a bug', 'rescheduled the {svc} cron to {time}', 'the calendar API returns 500 when creating events',
    'how does {day} look for the {topic} launch?', 'let’s postpone the {svc} migration to {day}', 'is {svc} still on for the {time} cutover?',
  ],
  sales: [
    'closed the {company} renewal 🎉', 'pipeline review numbers are in the sheet', '{company} wants a discount, thoughts?',
    'sent the proposal to {company}', 'quota check: we are at {m}0% for the quarter', 'who has the latest pricing deck?',
    '{company} signed! 🚀', 'legal is reviewing the {company} MSA, ETA {day}', 'lost {company} to a competitor, notes in the CRM',
    'updated the CRM for {company}', 'the {company} champion left, need a new contact', 'demo environment is down again',
    'procurement at {company} needs a security questionnaire by {day}', 'forecast due {day} {time}', 'can someone send me the case study for {topic}?',
  ],
  marketing: [
    'campaign goes live {day} at {time}', 'blog post on {topic} is scheduled for {day}', 'webinar registrations are at {n}',
    'new landing page is up: <https://northwind.test/{topic_slug}|here>', 'CTR on the {topic} email was {m}%', 'brand guidelines updated, please use the new logo',
    'newsletter copy due {day} {time}', 'social calendar for next month is in the sheet', 'press release embargo lifts {day} {time} ET',
    'we need a quote from a customer for {topic}', 'ad spend is tracking under budget', 'draft for the {topic} one-pager is ready for review',
  ],
  support: [
    'ticket backlog is down to {n}', 'escalation from {company} about {topic}', 'macro for the password reset is updated',
    'CSAT this week: 9{m}%', 'seeing a spike of tickets about {topic}', 'known issue doc updated for {svc}', 'who is on the queue {day}?',
    '{company} is asking for an SLA report', 'closed {n} tickets today 💪', 'bug filed for the export issue: {proj}-{n}',
    'can engineering confirm the fix for {topic} shipped?', 'onboarding checklist for {company} is done',
  ],
  general: [
    'Welcome to the team, <@{user}>! 👋', 'All-hands slides are in the drive', 'Office closed {day} for the holiday',
    'Reminder: expense reports due {day} {time}', 'Benefits enrollment closes {day}', 'Q2 OKRs are published', 'New travel policy is live',
    'IT will patch laptops {day} at {time}, please restart', 'the quarterly survey closes {day}', 'kudos to the support team this week!',
  ],
};
const THREAD_REPLIES = ['👍', ':+1:', 'thanks!', 'lgtm', 'on it', 'nice', '+1', 'ack', 'ty', 'sounds good', 'will do', 'done', 'looking',
  'same here', 'agreed', 'ok', 'haha', 'good call', '🙏', 'sure', 'fixed in main', 'makes sense', ':eyes:', 'yep'];

export interface DistractorVars { name: string; user: string }

export function distractorText(rng: Rng, flavor: string, vars: DistractorVars): string {
  const pool = flavor === 'deploys' ? BY_FLAVOR.deploys
    : flavor === 'Sales' || flavor === 'Finance' ? BY_FLAVOR.sales
      : flavor === 'Marketing' || flavor === 'Design' ? BY_FLAVOR.marketing
        : flavor === 'Customer Success' || flavor === 'People' ? BY_FLAVOR.support
    : flavor === 'incidents' ? BY_FLAVOR.incidents
      : flavor === 'random' || flavor === 'social' ? BY_FLAVOR.random
        : flavor === 'general' || flavor === 'announcements' ? BY_FLAVOR.general : BY_FLAVOR.work;
  const tpl = rng.chance(0.15) ? rng.pick(BY_FLAVOR.work as readonly string[]) : rng.pick(pool as readonly string[]);
  const n = String(rng.between(100, 4999));
  const prefix = rng.chance(0.12) ? `${rng.pick(['fyi', 'FYI:', 'hey all,', 'quick q:', 'psa:', 'random q -', 'update:', 'btw'])} ` : '';
  const suffix = rng.chance(0.1) ? ` ${rng.pick([':eyes:', '🙏', ':sweat_smile:', 'lmk', ':thinking_face:', '(cc <@' + vars.user + '>)', '🚀', 'thx'])}` : '';
  return prefix + tpl.replace(/\{(\w+)\}/g, (_, k: string) => {
    switch (k) {
      case 'svc': return rng.pick(SERVICES);
      case 'time': return rng.pick(TIMES);
      case 'day': return rng.pick(DAYS);
      case 'n': return n;
      case 'day2': return rng.pick(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']);
      case 'proj': return rng.pick(['PLAT', 'PAY', 'MOB', 'DATA', 'OPS', 'SUP']);
      case 'company': return rng.pick(['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Wayne Ent.', 'Stark']);
      case 'topic_slug': return rng.pick(['pricing', 'launch', 'security', 'customers']);
      case 'm': return String(rng.between(0, 20));
      case 'topic': return rng.pick(TOPICS);
      case 'name': return vars.name;
      case 'user': return vars.user;
      default: return '';
    }
  }) + suffix;
}

export function distractorReply(rng: Rng): string {
  return rng.pick(THREAD_REPLIES);
}

export function deployBotText(rng: Rng): string {
  const svc = rng.pick(SERVICES);
  return rng.pick([
    `Deployed ${svc}@v3.${rng.between(0, 60)}.${rng.between(0, 9)} to production (took ${rng.between(2, 9)}m${rng.between(10, 59)}s)`,
    `Deploy of ${svc} to staging started by ${rng.pick(['ci', 'release-bot', 'manual'])}`,
    `:x: Deploy of ${svc} failed at step migrate (exit 1)`,
    `Scheduled deploy of ${svc} at ${rng.pick(TIMES)} UTC`,
  ]);
}

export function githubAttachment(rng: Rng): { text: string; attachments: unknown[] } {
  const svc = rng.pick(SERVICES);
  const n = rng.between(100, 4999);
  const verb = rng.pick(['opened', 'merged', 'closed', 'requested review on']);
  const title = rng.pick(['Fix race in retry loop', 'Add pagination to list endpoint', 'Bump deps', 'Refactor call sites of fetchUser', 'Schedule nightly job at 02:00 UTC', 'Remove feature flag']);
  return {
    text: '',
    attachments: [{
      fallback: `[northwind/${svc}] Pull request ${verb}: #${n} ${title}`,
      color: verb === 'merged' ? '6f42c1' : '36a64f',
      pretext: `Pull request ${verb} by ${rng.pick(['octocat', 'dependabot', 'ci-user'])}`,
      title: `#${n} ${title}`,
      title_link: `https://github.com/northwind/${svc}/pull/${n}`,
      text: rng.pick(['', 'Closes the flaky test issue', 'Part of the Q2 cleanup']),
      footer: `<https://github.com/northwind/${svc}|northwind/${svc}>`,
      mrkdwn_in: ['text', 'pretext'],
    }],
  };
}
