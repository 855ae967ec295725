import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HostServer } from '../../../../src/main/host/host-server.ts';
import type { HostOptions } from '../../../../src/main/host/options.ts';
import { BINARY_TYPES, decodeBinaryFrame, encodeBinaryFrame } from '../../../../src/shared/protocol/index.ts';
import { fileIdBytes } from '../../../../src/renderer/src/lib/files/file-id.ts';
import type { Upload } from '../../../../src/renderer/src/lib/files/upload.svelte.ts';
import { HostClient } from '../../../../src/renderer/src/lib/net/host-client.svelte.ts';
import { memoryStorage, until } from '../../helpers/memory-storage.ts';

/**
 * The upload pipeline of the renderer (FileTransfers in HostClient) against a real host: chunking,
 * offsets, resume with the hash carried over, and the bound on the socket's queue.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function host(options: HostOptions = {}, createRoom = true): Promise<HostServer> {
  const server = new HostServer({ port: 0, bind: '127.0.0.1', ...options });
  if (createRoom) await server.createRoom('general');
  await server.listen();
  cleanups.push(() => server.close());
  return server;
}

async function joined(port: number, nick: string): Promise<HostClient> {
  const client = new HostClient({
    address: { hostname: '127.0.0.1', port },
    identity: () => ({ deviceId: `device-${nick}-000`, nick }),
    storage: memoryStorage(),
    reconnect: { baseMs: 50, maxMs: 200, jitter: 0 },
    pingIntervalMs: 1000,
  });
  cleanups.push(() => client.disconnect());
  const room = client.join('general');
  await until(() => room.joined && client.files.keys.has('general'), `${nick} joins`);
  return client;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The offsets and payload sizes of every file chunk `client` sent, in order (from its frame timeline headers). */
function chunksSent(client: HostClient): { n: number; offset: number; bytes: number }[] {
  return client
    .frames()
    .filter((f) => f.direction === 'out' && f.kind === 'fileChunk')
    .map((f) => {
      const decoded = decodeBinaryFrame(f.bytes!);
      if (!decoded.ok) throw new Error(decoded.message);
      return { n: f.n, offset: decoded.frame.offset, bytes: f.size - 25 };
    });
}

function offer(client: HostClient, bytes: Uint8Array | Blob, name = 'data.bin'): Upload {
  const result = client.files.offer('general', bytes instanceof Blob ? bytes : new Blob([bytes as BlobPart]), name);
  if (!result.ok) throw new Error('refused');
  return result.upload;
}

describe('file uploads from the renderer, against a real host', () => {
  it('sends a file in chunks of maxChunkBytes from offset 0, in order; the other member sees it complete and downloads it byte-exact', async () => {
    const server = await host();
    const ann = await joined(server.port, 'ann');
    const bo = await joined(server.port, 'bo');
    const bytes = new Uint8Array(randomBytes(3 * 1024 * 1024 + 12_345));
    const upload = offer(ann, bytes, 'report.pdf');
    await until(() => upload.phase === 'complete', 'complete', 20_000);

    const chunks = chunksSent(ann);
    expect(chunks.length).toBe(Math.ceil(bytes.length / (256 * 1024)));
    let next = 0;
    for (const chunk of chunks) {
      expect(chunk.offset).toBe(next);
      expect(chunk.bytes).toBeLessThanOrEqual(256 * 1024);
      next += chunk.bytes;
    }
    expect(next).toBe(bytes.length);
    expect(upload.sent).toBe(bytes.length);

    const file = upload.fileId!;
    await until(() => bo.files.states.get(file)?.state === 'complete', 'bo sees complete');
    expect(bo.files.states.get(file)).toMatchObject({ sha256: sha256(bytes), received: bytes.length });
    const message = bo.rooms.get('general')!.messages.find((m) => m.kind === 'file');
    expect(message?.body).toMatchObject({ file, name: 'report.pdf', size: bytes.length });
    const response = await fetch(bo.files.url('general', file)!);
    expect(response.status).toBe(200);
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(bytes));
  });

  it('sends an empty file: no chunk, only upload-end with the SHA-256 of nothing', async () => {
    const server = await host();
    const ann = await joined(server.port, 'ann');
    const upload = offer(ann, new Uint8Array(0), 'empty.txt');
    await until(() => upload.phase === 'complete', 'complete');
    expect(chunksSent(ann)).toEqual([]);
    expect(ann.files.states.get(upload.fileId!)?.sha256).toBe(sha256(new Uint8Array(0)));
  });

  it('keeps no more than maxQueuedBytes waiting in the socket while the host reads slowly', async () => {
    // The host reads at most 8 MiB/s from this connection: the rest waits in ann's socket.
    const server = await host({ limits: { binaryBytesPerSecond: 8 * 1024 * 1024, binaryBytesBurst: 1024 * 1024 } });
    const ann = await joined(server.port, 'ann');
    ann.files.maxQueuedBytes = 1024 * 1024;
    const bytes = new Uint8Array(randomBytes(12 * 1024 * 1024));
    const upload = offer(ann, bytes);
    await until(() => upload.phase === 'complete', 'complete', 30_000);
    // The queue did fill (so the bound was tested), and never past the bound and one frame header.
    expect(upload.maxQueued).toBeGreaterThan(256 * 1024);
    expect(upload.maxQueued).toBeLessThanOrEqual(1024 * 1024 + 25);
    expect(ann.files.states.get(upload.fileId!)?.sha256).toBe(sha256(bytes));
  });

  it('resumes after its connection drops: asks again with the same id, re-hashes the stored prefix, sends only the rest', async () => {
    const server = await host({ limits: { binaryBytesPerSecond: 4 * 1024 * 1024, binaryBytesBurst: 512 * 1024 } });
    const ann = await joined(server.port, 'ann');
    const bo = await joined(server.port, 'bo');
    ann.files.checkpointBytes = 1024 * 1024;
    const bytes = new Uint8Array(randomBytes(8 * 1024 * 1024));
    const upload = offer(ann, bytes);
    await until(() => (bo.files.states.get(upload.fileId ?? '')?.received ?? 0) > 2 * 1024 * 1024, 'halfway', 20_000);
    ann.connection.abandon(1006, 'test: the network went away');
    expect(upload.phase).toBe('waiting');
    await until(() => upload.phase === 'complete', 'complete after resume', 30_000);

    const replies = ann
      .frames()
      .filter((f) => f.direction === 'in' && f.kind === 'upload')
      .map((f) => ({ n: f.n, ...(JSON.parse(f.text!) as { offset: number; resumed: boolean; id: string }) }));
    // The same id every time; the first reply is the offer, every later one a resume. (The old
    // connection's queued chunks may still reach the host after the new one asked: the host then
    // says upload_offset and the client asks again, so there can be more than one resume.)
    expect(new Set(replies.map((r) => r.id))).toEqual(new Set([upload.id]));
    expect(replies.map((r) => r.resumed)).toEqual([false, ...replies.slice(1).map(() => true)]);
    expect(replies[1]!.offset).toBeGreaterThan(2 * 1024 * 1024);
    // After each reply, chunks start exactly at the host's offset: nothing it stored is sent again.
    const chunks = chunksSent(ann);
    for (const [i, reply] of replies.entries()) {
      const next = replies[i + 1]?.n ?? Infinity;
      const run = chunks.filter((c) => c.n > reply.n && c.n < next);
      if (run.length === 0) continue;
      expect(run[0]!.offset).toBe(reply.offset);
      for (let j = 1; j < run.length; j++) expect(run[j]!.offset).toBe(run[j - 1]!.offset + run[j - 1]!.bytes);
    }
    const last = chunks.at(-1)!;
    expect(last.offset + last.bytes).toBe(bytes.length);
    // Each resume read again at most one checkpoint's worth of the file, not the whole prefix.
    expect(upload.rehashedBytes).toBeGreaterThan(0);
    expect(upload.rehashedBytes).toBeLessThan((replies.length - 1) * 1024 * 1024);
    expect(bo.files.states.get(upload.fileId!)).toMatchObject({ state: 'complete', sha256: sha256(bytes) });
  });

  it('resumes after the host restarts on its data folder, from the bytes its partial file kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tincan-files-restart-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const slow = { binaryBytesPerSecond: 4 * 1024 * 1024, binaryBytesBurst: 512 * 1024 };
    const first = await host({ dataDir: dir, limits: slow });
    const port = first.port;
    const ann = await joined(port, 'ann');
    const bytes = new Uint8Array(randomBytes(8 * 1024 * 1024));
    const upload = offer(ann, bytes);
    await until(() => (ann.files.states.get(upload.fileId ?? '')?.received ?? 0) > 2 * 1024 * 1024, 'halfway', 20_000);
    await first.close();
    await until(() => upload.phase === 'waiting', 'waiting for the host');
    await host({ dataDir: dir, port, limits: slow }, false); // the same folder: rooms, files, partial files
    await until(() => upload.phase === 'complete', 'complete after the restart', 30_000);
    const resumed = ann
      .frames()
      .filter((f) => f.direction === 'in' && f.kind === 'upload')
      .map((f) => JSON.parse(f.text!) as { offset: number; resumed: boolean });
    expect(resumed.at(-1)).toMatchObject({ resumed: true });
    expect(resumed.at(-1)!.offset).toBeGreaterThan(2 * 1024 * 1024);
    const response = await fetch(ann.files.url('general', upload.fileId!)!);
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(bytes));
  });

  it('after an upload_offset error sends `upload` again and goes on from the host’s offset', async () => {
    const server = await host({ limits: { binaryBytesPerSecond: 8 * 1024 * 1024, binaryBytesBurst: 512 * 1024 } });
    const ann = await joined(server.port, 'ann');
    const bytes = new Uint8Array(randomBytes(6 * 1024 * 1024));
    const upload = offer(ann, bytes);
    await until(() => upload.sent > 1024 * 1024, 'sending');
    // A chunk at a wrong offset (as a confused sender would): the host refuses it with upload_offset.
    const bogus = encodeBinaryFrame({
      type: BINARY_TYPES.fileChunk,
      id: fileIdBytes(upload.fileId!),
      offset: bytes.length - 10,
      payload: new Uint8Array(10),
    });
    ann.connection.send(bogus);
    await until(() => upload.phase === 'complete', 'complete', 30_000);
    const errors = ann.frames().filter((f) => f.direction === 'in' && f.kind === 'error');
    expect(errors.some((f) => f.text!.includes('upload_offset'))).toBe(true);
    expect(ann.files.states.get(upload.fileId!)?.sha256).toBe(sha256(bytes));
  });

  it('a member who joins later learns the state of files in history with file-status', async () => {
    const server = await host();
    const ann = await joined(server.port, 'ann');
    const upload = offer(ann, new Uint8Array(randomBytes(300_000)));
    await until(() => upload.phase === 'complete', 'complete');
    const carol = await joined(server.port, 'carol');
    await until(() => carol.files.states.get(upload.fileId!)?.state === 'complete', 'carol learns the state');
    expect(carol.frames().some((f) => f.direction === 'out' && f.kind === 'file-status')).toBe(true);
  });

  it('cancel stops the upload and every member sees it cancelled', async () => {
    const server = await host({ limits: { binaryBytesPerSecond: 2 * 1024 * 1024, binaryBytesBurst: 256 * 1024 } });
    const ann = await joined(server.port, 'ann');
    const bo = await joined(server.port, 'bo');
    const upload = offer(ann, new Uint8Array(8 * 1024 * 1024));
    await until(() => upload.sent > 512 * 1024, 'sending');
    ann.files.cancel(upload);
    await until(() => bo.files.states.get(upload.fileId!)?.state === 'cancelled', 'bo sees cancelled');
    expect(upload.phase).toBe('cancelled');
  });

  it('sends many files two at a time, the rest queued, each started when one finishes', async () => {
    const server = await host();
    const ann = await joined(server.port, 'ann');
    const files = Array.from({ length: 6 }, () => new Uint8Array(randomBytes(400_000)));
    const uploads = files.map((bytes, i) => offer(ann, bytes, `f${i}.bin`));
    expect(uploads.map((u) => u.phase)).toEqual(['offering', 'offering', 'queued', 'queued', 'queued', 'queued']);
    await until(() => uploads.every((u) => u.phase === 'complete'), 'all complete', 30_000);
    for (const [i, upload] of uploads.entries())
      expect(ann.files.states.get(upload.fileId!)?.sha256).toBe(sha256(files[i]!));
  });

  it('queues an upload the host refused with too_many_uploads and offers it again when one finishes', async () => {
    const server = await host({
      limits: { maxUploadsPerConnection: 1, binaryBytesPerSecond: 4 * 1024 * 1024, binaryBytesBurst: 512 * 1024 },
    });
    const ann = await joined(server.port, 'ann');
    const first = offer(ann, new Uint8Array(randomBytes(4 * 1024 * 1024)));
    // (Offered together, the host may admit both: it checks its count before the first is counted.)
    await until(() => first.seq !== null, 'the host counts the first');
    const second = offer(ann, new Uint8Array(randomBytes(1000)));
    await until(() => first.phase === 'complete' && second.phase === 'complete', 'both complete', 20_000);
    const refusals = ann.frames().filter((f) => f.direction === 'in' && f.text?.includes('"too_many_uploads"'));
    expect(refusals).toHaveLength(1);
    expect(JSON.parse(refusals[0]!.text!)).toMatchObject({ code: 'too_many_uploads', id: second.id });
    expect(second.error).toBeNull();
  });

  it('after a reload mid-upload the same device can still cancel the upload it can no longer send', async () => {
    const server = await host({ limits: { binaryBytesPerSecond: 2 * 1024 * 1024, binaryBytesBurst: 256 * 1024 } });
    const ann = await joined(server.port, 'ann');
    const bo = await joined(server.port, 'bo');
    const upload = offer(ann, new Uint8Array(8 * 1024 * 1024));
    await until(() => (bo.files.states.get(upload.fileId ?? '')?.received ?? 0) > 0, 'sending');
    ann.disconnect(); // the page goes away, and its File with it
    const again = await joined(server.port, 'ann'); // the same device, a new page
    expect(again.files.uploadOf(upload.fileId!)).toBeUndefined();
    again.files.cancelOrphan(upload.fileId!);
    await until(() => bo.files.states.get(upload.fileId!)?.state === 'cancelled', 'bo sees it cancelled');
  });

  it('after a reload mid-upload, the same file offered again continues from what the host stored', async () => {
    const server = await host({ limits: { binaryBytesPerSecond: 2 * 1024 * 1024, binaryBytesBurst: 256 * 1024 } });
    const ann = await joined(server.port, 'ann');
    const bo = await joined(server.port, 'bo');
    const bytes = new Uint8Array(randomBytes(4 * 1024 * 1024));
    const first = offer(ann, bytes, 'holiday.mov');
    await until(() => (bo.files.states.get(first.fileId ?? '')?.received ?? 0) >= 512 * 1024, 'sending');
    ann.disconnect(); // the page goes away, and its File with it
    const fileId = first.fileId!;
    const again = await joined(server.port, 'ann'); // the same device, a new page
    await until(() => again.files.canContinue(fileId), 'the new page knows its unfinished upload');
    expect(again.files.canContinue(fileId)).toBe(true);
    expect(bo.files.canContinue(fileId)).toBe(false); // not Bo's upload

    const resumed = offer(again, bytes, 'holiday.mov'); // attached again: same name, same size
    expect(resumed.id).toBe(first.id);
    await until(() => resumed.phase === 'complete', 'complete', 20_000);
    expect(resumed.fileId).toBe(fileId);
    const stored = bo.files.states.get(fileId)!;
    expect(stored).toMatchObject({ state: 'complete', sha256: sha256(bytes) });
    // Nothing the host had was sent again: the new page's first chunk starts past zero.
    expect(chunksSent(again)[0]!.offset).toBeGreaterThanOrEqual(512 * 1024);
    expect(again.files.canContinue(fileId)).toBe(false);
    // One file message, not two.
    expect(bo.rooms.get('general')!.messages.filter((m) => m.kind === 'file')).toHaveLength(1);
  });

  it('continues an earlier page’s upload with a file picked for it, refusing one of another size', async () => {
    const server = await host({ limits: { binaryBytesPerSecond: 2 * 1024 * 1024, binaryBytesBurst: 256 * 1024 } });
    const ann = await joined(server.port, 'ann');
    const bytes = new Uint8Array(randomBytes(4 * 1024 * 1024));
    const first = offer(ann, bytes, 'a.bin');
    await until(() => (ann.files.states.get(first.fileId ?? '')?.received ?? 0) >= 256 * 1024, 'stored some');
    ann.disconnect();
    const again = await joined(server.port, 'ann');
    const fileId = first.fileId!;
    await until(() => again.files.canContinue(fileId), 'unfinished known');
    expect(again.files.continueWith(fileId, new Blob([new Uint8Array(10)]))).toBe(false);
    expect(again.files.continueWith(fileId, new Blob([bytes]))).toBe(true); // picked under any name
    await until(() => again.files.uploadOf(fileId)?.phase === 'complete', 'complete', 20_000);
    expect(again.files.states.get(fileId)).toMatchObject({ state: 'complete', sha256: sha256(bytes) });
  });

  it('fails with the host’s words when its quota has no room (trying again cannot help), and says nothing was posted', async () => {
    const server = await host({ limits: { fileQuotaBytes: 10_000 } });
    const ann = await joined(server.port, 'ann');
    const upload = offer(ann, new Uint8Array(20_000));
    await until(() => upload.phase === 'failed', 'failed');
    expect(upload.error).toBe('quota_exceeded');
    expect(upload.errorMessage).toMatch(/left/);
    expect(ann.files.unposted('general')).toEqual([upload]);
    ann.files.dismiss(upload);
    expect(ann.files.unposted('general')).toEqual([]);
  });

  it('a file that changed on disk while resuming fails as hash_mismatch, and "send again" starts a new upload', async () => {
    const server = await host({ limits: { binaryBytesPerSecond: 4 * 1024 * 1024, binaryBytesBurst: 512 * 1024 } });
    const ann = await joined(server.port, 'ann');
    const bo = await joined(server.port, 'bo');
    /** Every read gives other bytes: what was sent before a drop is not what is hashed again after it. */
    class ChangingFile extends Blob {
      override slice(start = 0, end = this.size): Blob {
        return new Blob([randomBytes(Math.max(0, Math.min(end, this.size) - start))]);
      }
    }
    const upload = offer(ann, new ChangingFile([new Uint8Array(6 * 1024 * 1024)]));
    await until(() => (bo.files.states.get(upload.fileId ?? '')?.received ?? 0) > 1024 * 1024, 'sending', 20_000);
    ann.connection.abandon(1006, 'test: dropped');
    await until(() => upload.phase === 'failed', 'failed', 30_000);
    expect(upload.error).toBe('hash_mismatch');
    await until(() => bo.files.states.get(upload.fileId!)?.state === 'failed', 'bo sees it failed');
    expect(bo.files.states.get(upload.fileId!)?.reason).toBe('hash_mismatch');
    const again = ann.files.retry(upload);
    expect(again).not.toBe(upload);
    expect(again.id).not.toBe(upload.id);
  });

  it('refuses a file larger than welcome.limits.maxFileBytes before offering it, naming the limit', async () => {
    const server = await host({ limits: { maxFileBytes: 1000 } });
    const ann = await joined(server.port, 'ann');
    expect(ann.files.maxFileBytes).toBe(1000);
    expect(ann.files.offer('general', new Blob([new Uint8Array(1001)]), 'big.bin')).toEqual({
      ok: false,
      reason: 'too_large',
      limit: 1000,
    });
    const ok = ann.files.offer('general', new Blob([new Uint8Array(1000)]), 'ok.bin');
    if (!ok.ok) throw new Error('refused');
    await until(() => ok.upload.phase === 'complete', 'the 1000-byte file');
    expect(ann.frames().filter((f) => f.direction === 'out' && f.kind === 'upload')).toHaveLength(1);
  });
});
