/** Where tests find the repository, the shared fixtures and a scratch folder. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the tests');
    dir = up;
  }
  return dir;
}

export const repoRoot = findRoot();
export const sharedDir = resolve(repoRoot, '..', 'shared');
export const fixturesDir = join(sharedDir, 'fixtures');
export const cliPath = join(repoRoot, 'bin', 'convene.js');

export function scratch(prefix = 'convene-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
