/**
 * Google API objects → records. The API returns the same objects that the file sources read
 * from saved responses, so their mappings are reused: collecting and replaying agree.
 */
import type { CalendarEvent } from '../../core/records.js';
export { mapGoogleEvent } from '../calendar-files/calendar-api.mapping.js';
export { mapDriveFile } from '../drive-files/drive-files.mapping.js';
export { mapDirectoryUser } from '../directory-files/directory-files.mapping.js';

/** The key calendar-files gives an event, so both sources upsert the same row. */
export function calendarEventKey(event: CalendarEvent): string {
  return `${event.calendarId}:${event.id}`;
}
