import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getConfig } from 'app-builder-lib/out/util/config/config.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The fuses electron-builder flips when it packages the app, read the way electron-builder reads its
 * configuration (electron-builder.yml through app-builder-lib's own loader).
 */
describe('packaging: Electron fuses', () => {
  it('turns off Node mode, NODE_OPTIONS and inspect flags, and only loads the checked ASAR, with cookie encryption', async () => {
    const config = await getConfig(ROOT, null, null);
    expect(config.asar).toBe(true);
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('names only fuses that @electron/fuses knows, so none is silently skipped', async () => {
    const { FuseV1Options } = await import('@electron/fuses');
    const config = await getConfig(ROOT, null, null);
    const known = Object.keys(FuseV1Options)
      .filter((k) => Number.isNaN(Number(k)))
      .map((k) => k.charAt(0).toLowerCase() + k.slice(1));
    for (const fuse of Object.keys(config.electronFuses ?? {})) expect(known).toContain(fuse);
  });
});
