import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium is installed (CI installs it; a developer machine may not have it). */
export const hasChromium = existsSync(CHROMIUM);

/** Headless Debian Chromium with the flags that keep it off the (closed) network, and `extraArgs`. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!hasChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run should have installed chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}
