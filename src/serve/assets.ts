/** Where the dashboard's files are: src/serve/assets in the package (they are not compiled). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function assetsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('the convene package folder was not found above the server module');
    dir = up;
  }
  return join(dir, 'src', 'serve', 'assets');
}
