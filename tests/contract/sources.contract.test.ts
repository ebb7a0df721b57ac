import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import type { Gate } from '../../src/core/rx.js';
import { silentLogger } from '../../src/core/logger.js';
import { findSource } from '../../src/sources/registry.js';
import { sourceContract } from './source-contract.js';

const ctx = (gate?: Gate) => (gate === undefined ? { logger: silentLogger, runId: 'contract' } : { logger: silentLogger, runId: 'contract', gate });

function make(type: string, config: unknown, gate?: Gate) {
  const def = findSource(type);
  if (!def) throw new Error(`no source ${type}`);
  return def.create(config, ctx(gate));
}

function write(path: string, value: unknown): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
}

const msg = (ts: string, text: string) => ({ type: 'message', user: 'U1', text, ts });

sourceContract('slack-export', (dir, gate) => {
  const root = join(dir, 'export');
  const base = (): void => {
    write(join(root, 'users.json'), [{ id: 'U1', name: 'ana', real_name: 'Ana' }, { id: 'U2', name: 'bo' }]);
    write(join(root, 'channels.json'), [{ id: 'C1', name: 'general', created: 1443000000, members: ['U1', 'U2'] }]);
  };
  return {
    source: make('slack-export', { path: root }, gate),
    populate() {
      base();
      write(join(root, 'general', '2026-03-01.json'), [msg('1772360000.000100', 'hi'), msg('1772360001.000100', 'meet at 10?')]);
      write(join(root, 'general', '2026-03-02.json'), [msg('1772446400.000100', 'ok')]);
      write(join(root, 'random', '2026-03-02.json'), [msg('1772446401.000100', 'not in channels.json')]);
    },
    populateBroken() {
      base();
      write(join(root, 'general', '2026-03-01.json'), [msg('1772360000.000100', 'hi'), { type: 'message', text: 'no ts' }]);
      write(join(root, 'general', '2026-03-02.json'), '[{"ts": ');
      write(join(root, 'general', '2026-03-03.json'), { not: 'an array' });
      return 3;
    },
  };
});

const gEvent = (id: string, hour: number) => ({ id, status: 'confirmed', start: { dateTime: `2026-03-04T${String(hour).padStart(2, '0')}:00:00Z` }, end: { dateTime: `2026-03-04T${String(hour).padStart(2, '0')}:30:00Z` } });

sourceContract('calendar-files', (dir, gate) => {
  const folder = join(dir, 'calendar');
  return {
    source: make('calendar-files', { paths: [folder] }, gate),
    populate() {
      write(join(folder, 'a.json'), { kind: 'calendar#events', summary: 'ana@acme.test', items: [gEvent('e1', 9), gEvent('e2', 10)] });
      write(join(folder, 'b.ics'), ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:r1', 'DTSTART:20260304T070000Z', 'DTEND:20260304T073000Z', 'RRULE:FREQ=DAILY;COUNT=3', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'));
    },
    populateBroken() {
      write(join(folder, 'a.json'), [{ items: [gEvent('e1', 9), { id: 'nostart' }] }]);
      write(join(folder, 'b.json'), '{"items": [');
      write(join(folder, 'c.ics'), ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'UID:x', 'SUMMARY:No start', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n'));
      return 3;
    },
  };
});

sourceContract('drive-files', (dir, gate) => {
  const folder = join(dir, 'drive');
  return {
    source: make('drive-files', { paths: [folder] }, gate),
    populate() {
      write(join(folder, '1.json'), { files: [{ id: 'f1', name: 'Agenda' }, { id: 'f2', name: 'Notes' }] });
      write(join(folder, '2.json'), [{ files: [{ id: 'f3', name: 'Plan' }] }]);
    },
    populateBroken() {
      write(join(folder, '1.json'), { files: [{ id: 'f1', name: 'Agenda' }, { name: 'no id' }] });
      return 1;
    },
  };
});

sourceContract('directory-files', (dir, gate) => {
  const folder = join(dir, 'directory');
  return {
    source: make('directory-files', { paths: [folder] }, gate),
    populate() {
      write(join(folder, '1.json'), { users: [{ primaryEmail: 'ana@acme.test', name: { fullName: 'Ana' } }] });
      write(join(folder, '2.json'), { users: [{ primaryEmail: 'bo@acme.test' }, { primaryEmail: 'cy@acme.test' }] });
    },
    populateBroken() {
      write(join(folder, '1.json'), { users: [{ primaryEmail: 'ana@acme.test' }, { name: { fullName: 'No email' } }] });
      return 1;
    },
  };
});

sourceContract('people-csv', (dir, gate) => {
  const path = join(dir, 'people.csv');
  const header = 'email,name,slack_user_id,department,title,manager_email,timezone\n';
  return {
    source: make('people-csv', { path }, gate),
    populate() {
      write(path, `${header}ana@acme.test,"Lima, Ana",U1,Eng,Lead,,Europe/Lisbon\nbo@acme.test,Bo,U2,Eng,,ana@acme.test,\n`);
    },
    populateBroken() {
      write(path, `${header}ana@acme.test,Ana,U1,Eng,Lead,,\nbroken,row\n`);
      return 1;
    },
  };
});

test.run();
