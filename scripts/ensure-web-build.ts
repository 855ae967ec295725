// Runs before `npm run host`: builds the web client the host serves to browsers, when it is missing
// or older than its sources, so `npm run host` on a fresh clone serves a working page.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const index = join(root, 'out', 'web', 'index.html');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const sources = Math.max(newest(join(root, 'src', 'renderer')), newest(join(root, 'src', 'shared')));
if (!existsSync(index) || statSync(index).mtimeMs < sources) {
  process.stdout.write('Building the web client (out/web)…\n');
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.web.config.ts'), logLevel: 'warn' });
}
