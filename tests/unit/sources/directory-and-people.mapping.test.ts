import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DriveFile, Person } from '../../../src/core/records.js';
import { mapDirectoryUser } from '../../../src/sources/directory-files/directory-files.mapping.js';
import { mapDriveFile } from '../../../src/sources/drive-files/drive-files.mapping.js';
import { headerIndex, mapPeopleRow, parseCsv } from '../../../src/sources/people-csv/people-csv.mapping.js';

test('maps a directory user with organization, manager and lowercased key', () => {
  const mapped = mapDirectoryUser({
    primaryEmail: 'John.Doe@Example.com', name: { givenName: 'John', familyName: 'Doe', fullName: 'John Doe' },
    organizations: [{ title: 'Engineer', department: 'Engineering', primary: true }],
    relations: [{ type: 'assistant', value: 'x@example.com' }, { type: 'manager', value: 'Boss@Example.com' }],
  });
  assert.ok(mapped.ok);
  if (!mapped.ok) return;
  Person.parse(mapped.value);
  assert.is(mapped.value.key, 'directory:john.doe@example.com');
  assert.is(mapped.value.name, 'John Doe');
  assert.is(mapped.value.department, 'Engineering');
  assert.is(mapped.value.title, 'Engineer');
  assert.is(mapped.value.managerEmail, 'boss@example.com');
  assert.is(mapDirectoryUser({ name: { fullName: 'No Email' } }).ok, false);
});

test('parses CSV fields with quoted commas, doubled quotes and line breaks', () => {
  const { rows, unterminatedAt } = parseCsv('email,name\r\nana@acme.test,"Lima, Ana ""Nana"""\nbo@acme.test,"two\nlines"\n');
  assert.is(unterminatedAt, null);
  assert.equal(rows.map((r) => [r.line, r.fields]), [
    [1, ['email', 'name']],
    [2, ['ana@acme.test', 'Lima, Ana "Nana"']],
    [3, ['bo@acme.test', 'two\nlines']],
  ]);
  assert.is(parseCsv('email\n"open').unterminatedAt, 2);
});

test('maps a people.csv row and rejects a row with the wrong field count', () => {
  const header = headerIndex(['email', 'name', 'slack_user_id', 'department', 'title', 'manager_email', 'timezone']);
  assert.ok(header.ok);
  if (!header.ok) return;
  const row = mapPeopleRow(['Ana@Acme.test', 'Ana Lima', 'U1', 'Eng', 'Lead', 'Boss@acme.test', 'Europe/Lisbon'], header.value);
  assert.ok(row.ok);
  if (row.ok) {
    Person.parse(row.value);
    assert.is(row.value.key, 'people_csv:ana@acme.test');
    assert.is(row.value.slackUserId, 'U1');
    assert.is(row.value.managerEmail, 'boss@acme.test');
    assert.is(row.value.timezone, 'Europe/Lisbon');
  }
  const short = mapPeopleRow(['ana@acme.test', 'Ana'], header.value);
  assert.is(short.ok, false);
  assert.is(headerIndex(['mail', 'name']).ok, false);
});

test('maps a Drive file with owners and times', () => {
  const mapped = mapDriveFile({ id: 'f1', name: 'Agenda', mimeType: 'application/vnd.google-apps.document', owners: [{ emailAddress: 'ana@acme.test' }], modifiedTime: '2026-03-04T10:00:00Z', parents: ['p1'] });
  assert.ok(mapped.ok);
  if (!mapped.ok) return;
  DriveFile.parse(mapped.value);
  assert.equal(mapped.value.owners, ['ana@acme.test']);
  assert.is(mapped.value.modifiedTime, Date.UTC(2026, 2, 4, 10));
  assert.is(mapped.value.trashed, false);
});

test.run();
