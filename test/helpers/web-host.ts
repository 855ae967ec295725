import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { spawnHost, type HostProcess } from './host-process.ts';
import { buildWebClient } from './web-build.ts';

export interface WebHostOptions {
  /** The host's stdin, for tests that type console commands. */
  stdin?: 'ignore' | 'pipe';
  /** More Chromium flags (a host-resolver rule, say). */
  chromiumArgs?: string[];
}

/**
 * What most browser tests start with: Chromium, and a headless host on loopback (port 0, no
 * discovery) serving the web build, its data in `data`. `args` are the test's own host flags.
 */
export async function startWebHost(
  data: string,
  args: string[] = [],
  { stdin = 'ignore', chromiumArgs = [] }: WebHostOptions = {},
): Promise<{ browser: Browser; host: HostProcess }> {
  const webRoot = await buildWebClient();
  const browser = await launchChromium(chromiumArgs);
  const host = await spawnHost(['--port', '0', '--bind', '127.0.0.1', '--data', data, '--web', webRoot, ...args], {
    stdin,
  });
  return { browser, host };
}

/** Close what startWebHost opened (either may be missing: skipped without Chromium, or failed) and remove `dir`. */
export async function stopWebHost(
  browser: Browser | undefined,
  host: HostProcess | undefined,
  dir: string,
): Promise<void> {
  await browser?.close();
  host?.child.kill('SIGTERM');
  await host?.exited;
  rmSync(dir, { recursive: true, force: true });
}
