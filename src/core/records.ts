/**
 * The normalized record contracts. Sources convert vendor formats (Slack export JSON,
 * Calendar API JSON, iCalendar, Drive and Directory JSON, people.csv) into these inside their
 * own mapping files; every operator and sink sees only these shapes.
 *
 * Times are epoch milliseconds (UTC). Slack `ts` strings are kept exactly as exported,
 * since they identify a message within its channel. docs/contracts.md describes each field.
 */
import { z } from 'zod';

const millis = z.number().int();
const slackTs = z.string().regex(/^\d+\.\d+$/, 'a Slack ts such as 1772636400.000200');

/** A problem met while reading input: which file, which entry, why. Counted, then the run goes on. */
export const InputProblem = z.object({
  code: z.string(),
  source: z.string(),
  file: z.string(),
  entry: z.string().nullable(),
  message: z.string(),
});
export type InputProblem = z.infer<typeof InputProblem>;

/** One identity of a person as one source knows it. Identity mapping fills `personId`. */
export const Person = z.object({
  key: z.string(),                       // `${source}:${externalId}`, e.g. slack:U024BE7LH, directory:ana@acme.test
  source: z.enum(['slack', 'directory', 'people_csv', 'calendar']),
  externalId: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),           // full name
  displayName: z.string().nullable(),
  slackUserId: z.string().nullable(),
  department: z.string().nullable(),
  title: z.string().nullable(),
  managerEmail: z.string().nullable(),
  timezone: z.string().nullable(),       // IANA zone
  tzOffsetMinutes: z.number().int().nullable(),
  isBot: z.boolean(),
  deleted: z.boolean(),
});
export type Person = z.infer<typeof Person>;

/** The canonical person that mapping assigns to an identity, with its confidence and reason. */
export const IdentityMatch = z.object({
  key: z.string(),
  personId: z.string(),
  confidence: z.number().min(0).max(1),
  reason: z.enum(['email', 'name', 'nickname', 'initials', 'people_csv', 'self', 'unmatched']),
});
export type IdentityMatch = z.infer<typeof IdentityMatch>;

export const Channel = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['public', 'private', 'im', 'mpim']),
  created: millis.nullable(),
  creator: z.string().nullable(),
  members: z.array(z.string()),
  topic: z.string().nullable(),
  purpose: z.string().nullable(),
  isArchived: z.boolean(),
});
export type Channel = z.infer<typeof Channel>;

export const MessageFile = z.object({
  id: z.string(),
  name: z.string().nullable(),
  title: z.string().nullable(),
  mimetype: z.string().nullable(),
  mode: z.string().nullable(),
  externalType: z.string().nullable(),
  url: z.string().nullable(),             // export tokens (?t=xoxe-...) stripped
});
export type MessageFile = z.infer<typeof MessageFile>;

export const Huddle = z.object({
  roomId: z.string().nullable(),
  name: z.string().nullable(),
  createdBy: z.string().nullable(),
  dateStart: millis.nullable(),
  dateEnd: millis.nullable(),            // null while the huddle runs
  participants: z.array(z.string()),     // participant_history, else participants
});
export type Huddle = z.infer<typeof Huddle>;

export const Message = z.object({
  channelId: z.string(),
  ts: slackTs,
  time: millis,                          // ts as epoch milliseconds
  userId: z.string().nullable(),         // for huddles: room.created_by
  botId: z.string().nullable(),
  botName: z.string().nullable(),        // bot_profile.name or username
  subtype: z.string().nullable(),
  text: z.string(),                      // `text` as exported (Slack markup kept)
  extraText: z.string(),                 // text found only in attachments / blocks (app posts)
  threadTs: z.string().nullable(),
  isThreadParent: z.boolean(),
  replyCount: z.number().int(),
  editedTs: z.string().nullable(),
  files: z.array(MessageFile),
  links: z.array(z.string()),            // URLs from text, attachments and blocks
  mentions: z.array(z.string()),         // user ids from <@U...>
  huddle: Huddle.nullable(),
  raw: z.string(),                       // the message object exactly as read, JSON
});
export type Message = z.infer<typeof Message>;

export const Attendee = z.object({
  email: z.string().nullable(),
  name: z.string().nullable(),
  responseStatus: z.enum(['needsAction', 'declined', 'tentative', 'accepted']),
  optional: z.boolean(),
  resource: z.boolean(),
  organizer: z.boolean(),
});
export type Attendee = z.infer<typeof Attendee>;

/** One instance of a calendar event, as one calendar holds it. */
export const CalendarEvent = z.object({
  id: z.string(),                        // API id; for ICS: UID or UID_<original start> (bundle.md)
  calendarId: z.string(),
  iCalUid: z.string().nullable(),
  recurringEventId: z.string().nullable(),
  originalStart: millis.nullable(),
  summary: z.string().nullable(),
  description: z.string().nullable(),
  location: z.string().nullable(),
  start: millis,
  end: millis,
  timeZone: z.string().nullable(),
  allDay: z.boolean(),
  status: z.enum(['confirmed', 'tentative', 'cancelled']),
  eventType: z.string(),
  organizer: z.object({ email: z.string().nullable(), name: z.string().nullable() }).nullable(),
  attendees: z.array(Attendee),
  conferenceLinks: z.array(z.string()),  // hangoutLink, conferenceData entry points, URLs in location/description
  created: millis.nullable(),
  updated: millis.nullable(),
  format: z.enum(['api-json', 'ics']),
});
export type CalendarEvent = z.infer<typeof CalendarEvent>;

export const DriveFile = z.object({
  id: z.string(),
  name: z.string(),
  mimeType: z.string().nullable(),
  owners: z.array(z.string()),           // emails
  createdTime: millis.nullable(),
  modifiedTime: millis.nullable(),
  webViewLink: z.string().nullable(),
  parents: z.array(z.string()),
  trashed: z.boolean(),
});
export type DriveFile = z.infer<typeof DriveFile>;

export const SIGNAL_KINDS = ['propose', 'confirm', 'decline', 'reschedule', 'cancel', 'link', 'huddle', 'agenda', 'reminder', 'followup'] as const;
export const SignalKind = z.enum(SIGNAL_KINDS);
export type SignalKind = z.infer<typeof SignalKind>;

export const TimeMention = z.object({
  text: z.string(),
  start: millis,
  end: millis.nullable(),
  certain: z.boolean(),                  // hour and day both stated
});
export type TimeMention = z.infer<typeof TimeMention>;

/** A meeting-coordination signal found in one message. */
export const Signal = z.object({
  channelId: z.string(),
  ts: slackTs,
  time: millis,
  userId: z.string().nullable(),
  kind: SignalKind,
  confidence: z.number().min(0).max(1),
  evidence: z.array(z.string()),         // the cues that fired, e.g. 'cue:propose:"can we meet"', 'time:"Thu 10:30 PT"'
  times: z.array(TimeMention),
  links: z.array(z.string()),            // conference links in the message
  threadTs: z.string().nullable(),
});
export type Signal = z.infer<typeof Signal>;

export const Meeting = z.object({
  id: z.string(),                        // the calendar event id, or slack:<channel>:<ts> for Slack-only meetings
  source: z.enum(['calendar', 'slack']),
  kind: z.enum(['scheduled', 'huddle', 'adhoc']),
  calendarEventId: z.string().nullable(),
  title: z.string().nullable(),
  channelId: z.string().nullable(),
  start: millis,
  end: millis.nullable(),
  status: z.enum(['confirmed', 'tentative', 'cancelled']),
  organizer: z.string().nullable(),      // a Slack user id or an email
  participants: z.array(z.string()),     // Slack user ids where known, else emails
  recurringEventId: z.string().nullable(),
});
export type Meeting = z.infer<typeof Meeting>;

export const MessageLink = z.object({
  channelId: z.string(),
  ts: slackTs,
  meetingId: z.string(),
  kind: SignalKind,
  confidence: z.number().min(0).max(1),
  method: z.enum(['huddle', 'thread', 'link', 'time', 'title', 'context']),
  evidence: z.array(z.string()),
});
export type MessageLink = z.infer<typeof MessageLink>;

export const MeetingMetrics = z.object({
  meetingId: z.string(),
  messages: z.number().int(),            // linked messages
  schedulingMessages: z.number().int(),  // propose, confirm, decline, reschedule, cancel
  followups: z.number().int(),
  reschedules: z.number().int(),
  participants: z.number().int(),        // people on the meeting
  coordinators: z.number().int(),        // distinct authors of linked messages
  channels: z.number().int(),
  firstMessageAt: millis.nullable(),
  leadTimeMs: millis.nullable(),         // meeting start − first scheduling message
  timeToScheduleMs: millis.nullable(),   // first proposal → first confirmation
  coordinationCostMinutes: z.number(),   // an estimate of the attention the coordination took
  // The issue-3 figures (docs/metrics.md). Optional in the type so that records written before
  // them still parse; meeting intelligence always sets them.
  schedulingParticipants: z.number().int().optional(), // distinct authors of scheduling messages
  cancelled: z.boolean().optional(),
  preMeetingMessages: z.number().int().optional(),     // linked messages posted before the start
  followupLatencyMs: millis.nullable().optional(),     // meeting end → first follow-up message
  documents: z.array(z.string()).optional(),           // Drive file ids from linked messages and the event
  attendees: z.number().int().optional(),              // people invited who did not decline (no rooms)
  attendeesActiveInSlack: z.number().int().optional(), // attendees with a Slack account in the workspace
  attendeeHours: z.number().optional(),                // attendees × duration in hours
  attendeeCost: z.number().optional(),                 // attendee-hours × hourly rate (currency units)
  afterHoursShare: z.number().min(0).max(1).nullable().optional(), // attendees for whom it falls outside 09:00–18:00 local or on a weekend
  teams: z.array(z.string()).optional(),               // departments of the attendees
});
export type MeetingMetrics = z.infer<typeof MeetingMetrics>;

/** The record kinds that flow through the pipeline, by envelope `kind`. */
export interface RecordKinds {
  person: Person;
  identity: IdentityMatch;
  channel: Channel;
  message: Message;
  calendar_event: CalendarEvent;
  drive_file: DriveFile;
  signal: Signal;
  meeting: Meeting;
  message_link: MessageLink;
  meeting_metrics: MeetingMetrics;
  problem: InputProblem;
}
export type RecordKind = keyof RecordKinds;

export const RECORD_SCHEMAS: { [K in RecordKind]: z.ZodType<RecordKinds[K]> } = {
  person: Person,
  identity: IdentityMatch,
  channel: Channel,
  message: Message,
  calendar_event: CalendarEvent,
  drive_file: DriveFile,
  signal: Signal,
  meeting: Meeting,
  message_link: MessageLink,
  meeting_metrics: MeetingMetrics,
  problem: InputProblem,
};

/** Slack `ts` → epoch milliseconds. */
export function tsToMillis(ts: string): number {
  const [sec, frac = '0'] = ts.split('.');
  return Number(sec) * 1000 + Math.floor(Number((frac + '000000').slice(0, 6)) / 1000);
}

export function messageKey(channelId: string, ts: string): string {
  return `${channelId}:${ts}`;
}
