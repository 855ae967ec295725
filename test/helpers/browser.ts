import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium is installed (CI installs it; a developer machine may not have it). */
export const hasChromium = existsSync(CHROMIUM);

/** Headless, and nothing Chromium would fetch on its own: the flags every test's Chromium runs with. */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Debian Chromium with the flags that keep it off the (closed) network, and `extraArgs`. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!hasChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run should have installed chromium`);
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS, ...extraArgs] });
}
