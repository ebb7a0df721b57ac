/** Streams google/drive/files.json as an array of Drive API v3 files.list pages. */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { OrgPerson } from './org.js';
import type { Rng } from './rng.js';
import { isoUtcMillis } from './time.js';

const PAGE = 500;
const DOC_NAMES = ['Q2 planning', 'Design doc: {p}', 'Meeting notes - {p}', 'Postmortem: {p} outage', 'Roadmap 2026', 'Interview feedback', 'OKRs draft',
  'Launch checklist {p}', 'Budget {p}', 'Customer research notes', 'Onboarding guide', 'Runbook: {p}', '1:1 notes', 'Team offsite agenda'];
const KINDS: readonly (readonly [string, string, number])[] = [
  ['application/vnd.google-apps.document', 'document', 6], ['application/vnd.google-apps.spreadsheet', 'spreadsheets', 3],
  ['application/vnd.google-apps.presentation', 'presentation', 1], ['application/pdf', 'file', 1],
];

export class DriveWriter {
  private readonly fd: number;
  private buffer = '[';
  private inPage = 0;
  private pages = 0;
  count = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
    this.buffer += this.head();
  }

  private head(): string {
    return '{"kind":"drive#fileList","incompleteSearch":false,"files":[';
  }

  add(rng: Rng, owner: OrgPerson, at: number): void {
    if (this.inPage === PAGE) {
      this.pages++;
      this.buffer += `],"nextPageToken":"~!!~AI9FV7T${this.pages}"},${this.head()}`;
      this.inPage = 0;
    }
    const [mime, path] = rng.weighted(KINDS.map(([m, p, w]) => [[m, p] as const, w] as const));
    const id = `1${rng.chars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-', 43)}`;
    const name = rng.pick(DOC_NAMES).replace('{p}', rng.pick(['checkout', 'search', 'billing', 'mobile', 'SSO', 'atlas']));
    const file = {
      kind: 'drive#file', id, name: mime === 'application/pdf' ? `${name}.pdf` : name, mimeType: mime,
      parents: [`0A${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 17)}`],
      webViewLink: path === 'file' ? `https://drive.google.com/file/d/${id}/view?usp=drivesdk` : `https://docs.google.com/${path}/d/${id}/edit?usp=drivesdk`,
      createdTime: isoUtcMillis(at), modifiedTime: isoUtcMillis(at + rng.int(72) * 3_600_000),
      owners: [{ kind: 'drive#user', displayName: owner.fullName, me: false, permissionId: String(10000000000 + owner.idx), emailAddress: owner.email }],
      shared: rng.chance(0.6), trashed: rng.chance(0.02),
    };
    this.buffer += (this.inPage === 0 ? '' : ',') + JSON.stringify(file);
    this.inPage++;
    this.count++;
    if (this.buffer.length > 1 << 16) { writeSync(this.fd, this.buffer); this.buffer = ''; }
  }

  close(): void {
    writeSync(this.fd, `${this.buffer}]}]\n`);
    this.buffer = '';
    closeSync(this.fd);
  }
}
