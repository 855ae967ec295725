import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/**
 * Build the web client the headless host serves, from the current source, into a fresh folder of
 * its own: test files run in parallel, and one rebuilding a shared out/web would empty it under
 * another's host.
 */
export async function buildWebClient(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'tincan-web-build-'));
  await build({
    configFile: fileURLToPath(new URL('../../vite.web.config.ts', import.meta.url)),
    build: { outDir, emptyOutDir: true },
    logLevel: 'warn',
  });
  return outDir;
}
