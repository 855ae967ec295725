import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  fetchElectronBinary,
  findElectronBinary,
  OFFLINE_MESSAGE,
  start,
  type StartDependencies,
} from '../../scripts/start.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tincan-start-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function deps(probe: StartDependencies['probe']) {
  return { probe, run: vi.fn(async (_binary: string) => 7), error: vi.fn((_line: string) => {}) };
}

describe('start', () => {
  it('prints exactly one clear line and exits 1 when the runtime is missing and cannot be fetched', async () => {
    const d = deps(async () => null);
    expect(await start(d)).toBe(1);
    expect(d.error.mock.calls).toEqual([[OFFLINE_MESSAGE]]);
    expect(OFFLINE_MESSAGE).not.toContain('\n');
    expect(OFFLINE_MESSAGE).toMatch(/could not be downloaded.*npm run host.*http:\/\/localhost:4747/);
    expect(d.run).not.toHaveBeenCalled();
  });

  it('says the same, without a stack trace, when the probe itself fails', async () => {
    const d = deps(async () => {
      throw new Error('getaddrinfo ENOTFOUND github.com');
    });
    expect(await start(d)).toBe(1);
    expect(d.error.mock.calls).toEqual([[OFFLINE_MESSAGE]]);
  });

  it('runs electron-vite dev with the runtime found, passing its exit code on', async () => {
    const d = deps(async () => '/opt/electron/electron');
    expect(await start(d)).toBe(7);
    expect(d.run).toHaveBeenCalledWith('/opt/electron/electron');
    expect(d.error).not.toHaveBeenCalled();
  });
});

describe('findElectronBinary', () => {
  async function fakePackage(withBinary: boolean) {
    await writeFile(join(dir, 'path.txt'), 'electron');
    if (withBinary) {
      await mkdir(join(dir, 'dist'), { recursive: true });
      await writeFile(join(dir, 'dist', 'electron'), '');
    }
  }

  it('finds dist/<path.txt> like electron and electron-vite do', async () => {
    await fakePackage(true);
    expect(findElectronBinary(dir, {})).toBe(join(dir, 'dist', 'electron'));
  });

  it('is null before the first download (no path.txt) or when the binary is gone', async () => {
    expect(findElectronBinary(dir, {})).toBeNull();
    await fakePackage(false);
    expect(findElectronBinary(dir, {})).toBeNull();
  });

  it('honours ELECTRON_EXEC_PATH and ELECTRON_OVERRIDE_DIST_PATH', async () => {
    const exec = join(dir, 'my-electron');
    await writeFile(exec, '');
    expect(findElectronBinary(dir, { ELECTRON_EXEC_PATH: exec })).toBe(exec);
    await fakePackage(false);
    const override = join(dir, 'elsewhere');
    await mkdir(override);
    await writeFile(join(override, 'electron'), '');
    expect(findElectronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: override })).toBe(join(override, 'electron'));
  });
});

describe('fetchElectronBinary', () => {
  it("runs the package's own install.js quietly and reports failure", async () => {
    await writeFile(join(dir, 'install.js'), 'console.error(new Error("fetch failed").stack); process.exit(1);\n');
    const onSlow = vi.fn();
    const stderr = vi.spyOn(process.stderr, 'write');
    try {
      expect(await fetchElectronBinary(dir, onSlow)).toBe(false);
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
    }
    expect(onSlow).not.toHaveBeenCalled();
  });

  it('reports success when install.js succeeds', async () => {
    await writeFile(join(dir, 'install.js'), 'process.exit(0);\n');
    expect(await fetchElectronBinary(dir)).toBe(true);
  });
});
