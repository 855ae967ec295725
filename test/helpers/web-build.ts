import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const WEB_ROOT = fileURLToPath(new URL('../../out/web', import.meta.url));

/** Build the web client the headless host serves, from the current source. */
export async function buildWebClient(): Promise<string> {
  await build({ configFile: fileURLToPath(new URL('../../vite.web.config.ts', import.meta.url)), logLevel: 'warn' });
  return WEB_ROOT;
}
