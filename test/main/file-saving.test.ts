import type { BrowserWindow as ElectronWindow } from 'electron';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, dialog, resetElectronFake, shell } from '../fakes/electron.ts';
import { DownloadService } from '../../src/main/downloads/index.ts';
import { createFileSaving } from '../../src/main/file-saving.ts';
import { parseArgs } from '../../src/main/ipc.ts';
import { sha256, uploadAll } from '../helpers/files.ts';
import { startHost } from '../helpers/host.ts';

vi.mock('electron', () => import('../fakes/electron.ts'));

const cleanups: (() => unknown)[] = [];
beforeEach(() => resetElectronFake());
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setUp() {
  const h = await startHost();
  cleanups.push(() => h.stop());
  const ann = await h.joined('general');
  const joined = ann.frames.find((f) => f.type === 'joined');
  const key = joined && 'fileKey' in joined ? joined.fileKey! : '';
  const bytes = new Uint8Array(randomBytes(500_000));
  const { reply } = await uploadAll(ann, bytes);
  const dir = mkdtempSync(join(tmpdir(), 'tincan-save-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const window = new BrowserWindow();
  const saving = createFileSaving({
    downloads: new DownloadService(),
    window: () => window as unknown as ElectronWindow,
    downloadsDir: () => dir,
  });
  const url = `${h.http}/files/${reply.file}?key=${encodeURIComponent(key)}`;
  return { saving, bytes, url, dir, window };
}

describe('saving host files in the desktop app', () => {
  it('asks where to save with the safe name as default, downloads, verifies, then can show the file in its folder', async () => {
    const { saving, bytes, url, dir, window } = await setUp();
    const target = join(dir, 'chosen.bin');
    dialog.nextSave = { canceled: false, filePath: target };
    // The name is made safe at the IPC boundary, as the handler would receive it.
    const [request] = parseArgs('saveFile', [
      { id: 's1', url, sha256: sha256(bytes), name: '../../etc/CON.txt\u202e' },
    ]);
    const result = await saving.saveFile(request);
    expect(result).toEqual({ state: 'saved', path: target, bytes: bytes.length });
    expect(dialog.showSaveDialog).toHaveBeenCalledWith(window, { defaultPath: join(dir, '_CON.txt') });
    expect(sha256(readFileSync(target))).toBe(sha256(bytes));
    saving.showInFolder({ path: target });
    expect(shell.showItemInFolder).toHaveBeenCalledWith(target);
  });

  it('does nothing when the dialog is closed', async () => {
    const { saving, bytes, url } = await setUp();
    expect(await saving.saveFile({ id: 's2', url, sha256: sha256(bytes), name: 'a.bin' })).toEqual({
      state: 'cancelled',
    });
  });

  it('reports a hash mismatch as such, and a refused download as failed', async () => {
    const { saving, url, dir } = await setUp();
    dialog.nextSave = { canceled: false, filePath: join(dir, 'a.bin') };
    expect(await saving.saveFile({ id: 's3', url, sha256: '00'.repeat(32), name: 'a.bin' })).toMatchObject({
      state: 'mismatch',
    });
    const wrongKey = url.replace(/key=.*/, 'key=nope');
    const failed = await saving.saveFile({ id: 's4', url: wrongKey, sha256: '00'.repeat(32), name: 'a.bin' });
    expect(failed).toMatchObject({ state: 'failed' });
  });

  it('shows in its folder only a file it saved', async () => {
    const { saving } = await setUp();
    expect(() => saving.showInFolder({ path: '/etc/passwd' })).toThrow(/Only files this app saved/);
    expect(shell.showItemInFolder).not.toHaveBeenCalled();
  });
});

describe('the file-saving IPC arguments', () => {
  const ok = { id: 'x', url: `http://10.0.0.2:4747/files/${'a'.repeat(32)}?key=k`, sha256: 'f'.repeat(64), name: 'a' };

  it('take http(s) URLs of /files/<32 hex> only', () => {
    expect(parseArgs('saveFile', [ok])[0].url).toBe(ok.url);
    expect(parseArgs('saveFile', [{ ...ok, url: ok.url.replace('http:', 'https:') }])).toBeTruthy();
    for (const url of [
      `file:///files/${'a'.repeat(32)}`,
      `javascript:alert(1)//files/${'a'.repeat(32)}`,
      `http://10.0.0.2/files/${'a'.repeat(31)}`,
      `http://10.0.0.2/files/${'A'.repeat(32)}`,
      `http://10.0.0.2/admin/files/${'a'.repeat(32)}`,
      `http://user:pw@10.0.0.2/files/${'a'.repeat(32)}`,
      `http://10.0.0.2/files/${'a'.repeat(32)}/../../x`,
    ]) {
      expect(() => parseArgs('saveFile', [{ ...ok, url }]), url).toThrow(/url/);
    }
  });

  it('take a SHA-256 as 64 lowercase hex digits and an id of letters and digits', () => {
    expect(() => parseArgs('saveFile', [{ ...ok, sha256: 'F'.repeat(64) }])).toThrow(/sha256/);
    expect(() => parseArgs('saveFile', [{ ...ok, sha256: 'f'.repeat(63) }])).toThrow(/sha256/);
    expect(() => parseArgs('saveFile', [{ ...ok, id: '../x' }])).toThrow(/id/);
    expect(() => parseArgs('showInFolder', [{ path: '' }])).toThrow(/path/);
  });

  it('make the suggested name safe whatever the renderer sends', () => {
    expect(parseArgs('saveFile', [{ ...ok, name: 'C:\\Windows\\evil\u0000.exe ' }])[0].name).toBe('evil.exe');
    expect(parseArgs('saveFile', [{ ...ok, name: '..' }])[0].name).toBe('file');
  });
});
