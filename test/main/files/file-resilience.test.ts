import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, offer, sendChunks, sha256, storedAtLeast } from '../../helpers/files.ts';
import { startHost } from '../../helpers/host.ts';
import { spawnHost, type HostProcess } from '../../helpers/host-process.ts';
import { TestClient } from '../../helpers/test-client.ts';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tincan-files-resilience-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function joinedClient(port: number, deviceId: string) {
  const client = await TestClient.greeted(`ws://127.0.0.1:${port}/ws`, 'ann', deviceId);
  cleanups.push(() => void client.close());
  client.send({ type: 'join', room: 'general' });
  const joined = await client.next('joined');
  return { client, key: joined.fileKey! };
}

describe('an upload survives a SIGKILL of the host', () => {
  it('resumes from what the killed host had written, and the file is byte-exact', async () => {
    const dir = tempDir();
    const start = async () => {
      const host = await spawnHost(['--port', '0', '--data', dir, '--room', 'general']);
      cleanups.push(() => void host.child.kill('SIGKILL'));
      return host;
    };
    const bytes = randomBytes(8 * 1024 * 1024 + 3);
    let host: HostProcess = await start();
    const first = await joinedClient(host.port, 'device-ann-sigkill');
    const reply = await offer(first.client, { id: 'killed', size: bytes.length });
    sendChunks(first.client, reply.file, bytes, 0, 5 * 1024 * 1024);
    const stored = await storedAtLeast(first.client, reply.file, 2 * 1024 * 1024, 20_000);
    host.child.kill('SIGKILL');
    await host.exited;

    host = await start();
    const again = await joinedClient(host.port, 'device-ann-sigkill');
    const resumed = await offer(again.client, { id: 'killed', size: bytes.length });
    expect(resumed).toMatchObject({ file: reply.file, seq: reply.seq, resumed: true });
    // At least what it reported stored; at most what was sent. Whatever it says is what it has.
    expect(resumed.offset).toBeGreaterThanOrEqual((stored as { received: number }).received);
    expect(resumed.offset).toBeLessThanOrEqual(5 * 1024 * 1024);
    sendChunks(again.client, reply.file, bytes, resumed.offset);
    expect(await finish(again.client, reply.file, sha256(bytes))).toMatchObject({ state: 'complete' });
    const res = await fetch(`http://127.0.0.1:${host.port}/files/${reply.file}?key=${again.key}`);
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(bytes));
  }, 60_000);
});

/** A tmpfs of `size` at `dir`, or null where this machine does not let the tests mount one. */
function smallDisk(dir: string, size: string): string | null {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tincan-test', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  cleanups.push(() => void execFileSync('umount', ['-l', dir], { stdio: 'ignore' }));
  return dir;
}

describe('a full disk', () => {
  const canMount = process.getuid?.() === 0;

  it.skipIf(!canMount)(
    'refuses an offer bigger than the free space, and keeps what a full disk stored mid-upload for a resume',
    async () => {
      const data = tempDir();
      if (!smallDisk(join(data, 'files'), '4m')) return;
      const h = await startHost({ dataDir: data });
      cleanups.push(() => h.stop());
      const ann = await h.client('ann');
      ann.send({ type: 'join', room: 'general' });
      const key = (await ann.next('joined')).fileKey!;

      await expect(offer(ann, { id: 'huge', size: 5 * 1024 * 1024 })).rejects.toThrow(/storage_full/);

      // Both fit the free space when offered; together they do not.
      const a = await offer(ann, { id: 'a', size: 3 * 1024 * 1024 });
      const bBytes = randomBytes(3 * 1024 * 1024);
      const b = await offer(ann, { id: 'b', size: bBytes.length });
      sendChunks(ann, a.file, randomBytes(2 * 1024 * 1024));
      await storedAtLeast(ann, a.file, 2 * 1024 * 1024);
      sendChunks(ann, b.file, bBytes);
      const full = await ann.next('error', (e) => e.code === 'storage_full');
      expect(full).toMatchObject({ id: b.file, room: 'general' });
      expect(full.message).toContain('they are kept');

      // Room is made; the upload resumes where the disk stopped it.
      ann.send({ type: 'upload-cancel', file: a.file, ref: 'c' });
      await ann.next('file-state', (f) => f.ref === 'c');
      const resumed = await offer(ann, { id: 'b', size: bBytes.length });
      expect(resumed.offset).toBeGreaterThan(0);
      expect(resumed.offset).toBeLessThan(bBytes.length);
      sendChunks(ann, b.file, bBytes, resumed.offset);
      expect(await finish(ann, b.file, sha256(bBytes))).toMatchObject({ state: 'complete' });
      const res = await fetch(`${h.http}/files/${b.file}?key=${key}`);
      expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(bBytes));
    },
    30_000,
  );
});
