import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DownloadCancelled, DownloadService, partPathOf } from '../../../src/main/downloads/index.ts';
import { DownloadRefused } from '../../../src/shared/files/resumable-download.ts';
import { cuttingProxy } from '../../helpers/cutting-proxy.ts';
import { sha256, uploadAll } from '../../helpers/files.ts';
import { startHost } from '../../helpers/host.ts';

/** The desktop app's downloader against a real host (and a proxy that cuts the connection mid-download). */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function hostWithFile(size: number) {
  const h = await startHost();
  cleanups.push(() => h.stop());
  const ann = await h.joined('general');
  const joined = ann.frames.find((f) => f.type === 'joined');
  const key = joined && 'fileKey' in joined ? joined.fileKey : undefined;
  if (!key) throw new Error('joined has no fileKey');
  const bytes = new Uint8Array(randomBytes(size));
  const { reply } = await uploadAll(ann, bytes);
  const dir = mkdtempSync(join(tmpdir(), 'tincan-downloads-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const path = `/files/${reply.file}?key=${encodeURIComponent(key)}`;
  return { h, bytes, file: reply.file, path, url: `${h.http}${path}`, dir };
}

const quick = () => 10;

describe('DownloadService', () => {
  it('saves a file byte-exact, checks its SHA-256, and remembers the path it saved', async () => {
    const { bytes, url, dir } = await hostWithFile(3 * 1024 * 1024 + 7);
    const progress: number[] = [];
    const service = new DownloadService({
      onProgress: (_id, received) => progress.push(received),
      progressIntervalMs: 0,
    });
    const target = join(dir, 'report.pdf');
    const outcome = await service.download({ id: 'd1', url, sha256: sha256(bytes), target });
    expect(outcome).toMatchObject({ state: 'saved', path: target, bytes: bytes.length, resumes: 0 });
    expect(sha256(readFileSync(target))).toBe(sha256(bytes));
    expect(existsSync(partPathOf(target))).toBe(false);
    expect(progress.at(-1)).toBe(bytes.length);
    expect(service.saved(target)).toBe(true);
    expect(service.saved(join(dir, 'other'))).toBe(false);
  });

  it('resumes with a Range request when the connection drops mid-download', async () => {
    const { h, bytes, path, dir } = await hostWithFile(2 * 1024 * 1024);
    const proxy = await cuttingProxy(h.host.port, { afterBytes: 700_000 });
    cleanups.push(() => proxy.close());
    const service = new DownloadService({ retryDelayMs: quick });
    const target = join(dir, 'data.bin');
    const outcome = await service.download({
      id: 'd2',
      url: `http://127.0.0.1:${proxy.port}${path}`,
      sha256: sha256(bytes),
      target,
    });
    expect(outcome).toMatchObject({ state: 'saved', resumes: 1 });
    expect(sha256(readFileSync(target))).toBe(sha256(bytes));
    expect(proxy.fileRequests).toHaveLength(2);
    expect(proxy.fileRequests[0]).toMatchObject({ range: null, cut: true });
    // The second asks for what is missing only (the headers of the first answer took some of the 700 000 bytes).
    const from = Number(/^bytes=(\d+)-$/.exec(proxy.fileRequests[1]!.range ?? '')?.[1]);
    expect(from).toBeGreaterThan(600_000);
    expect(from).toBeLessThan(700_000);
  });

  it('saves nothing when the bytes do not have the expected SHA-256', async () => {
    const { url, dir } = await hostWithFile(100_000);
    const target = join(dir, 'evil.bin');
    const outcome = await new DownloadService().download({ id: 'd3', url, sha256: 'ab'.repeat(32), target });
    expect(outcome.state).toBe('mismatch');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('is refused without retrying by a wrong key, and leaves no part file', async () => {
    const { h, file, bytes, dir } = await hostWithFile(1000);
    const target = join(dir, 'x.bin');
    const service = new DownloadService({ retryDelayMs: quick });
    await expect(
      service.download({ id: 'd4', url: `${h.http}/files/${file}?key=wrong`, sha256: sha256(bytes), target }),
    ).rejects.toBeInstanceOf(DownloadRefused);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('cancel stops a download and removes its part file', async () => {
    const { h, bytes, path, dir } = await hostWithFile(1024 * 1024);
    // A proxy that cuts every answer early keeps the download retrying until it is cancelled.
    const proxy = await cuttingProxy(h.host.port, { afterBytes: 1000, cuts: 1000 });
    cleanups.push(() => proxy.close());
    const service = new DownloadService({ retryDelayMs: () => 50 });
    const target = join(dir, 'big.bin');
    const running = service.download({
      id: 'd5',
      url: `http://127.0.0.1:${proxy.port}${path}`,
      sha256: sha256(bytes),
      target,
    });
    await expect.poll(() => proxy.fileRequests.length).toBeGreaterThan(1);
    expect(service.cancel('d5')).toBe(true);
    await expect(running).rejects.toBeInstanceOf(DownloadCancelled);
    expect(readdirSync(dir)).toEqual([]);
    expect(service.cancel('d5')).toBe(false);
  });
});
