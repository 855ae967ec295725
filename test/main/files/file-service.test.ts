import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chunkFrame, finish, offer, sendChunks, sha256, storedAtLeast, uploadAll } from '../../helpers/files.ts';
import { startHost } from '../../helpers/host.ts';

type Host = Awaited<ReturnType<typeof startHost>>;
let h: Host | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await h?.stop();
  h = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tincan-files-test-'));
  dirs.push(dir);
  return dir;
}

const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function keyOf(client: Awaited<ReturnType<Host['client']>>, room = 'general') {
  client.send({ type: 'join', room });
  return (await client.next('joined', (f) => f.room === room)).fileKey!;
}

describe('uploads through the host', () => {
  it('posts a file message at once, checks the SHA-256, and serves the exact bytes to another member', async () => {
    h = await startHost({ dataDir: dataDir() });
    const ann = await h.client('ann');
    await keyOf(ann);
    const bob = await h.client('bob');
    const key = await keyOf(bob);
    const bytes = randomBytes(3 * 1024 * 1024 + 17);

    const reply = await offer(ann, { id: 'up-1', name: 'report.pdf', size: bytes.length, mime: 'application/pdf' });
    expect(reply).toMatchObject({ room: 'general', id: 'up-1', offset: 0, resumed: false });
    const message = await bob.next('message', (m) => m.kind === 'file');
    expect(message.body).toEqual({ file: reply.file, name: 'report.pdf', size: bytes.length, mime: 'application/pdf' });
    expect(message.seq).toBe(reply.seq);

    sendChunks(ann, reply.file, bytes);
    const done = await finish(ann, reply.file, sha256(bytes));
    expect(done).toMatchObject({
      type: 'file-state',
      state: 'complete',
      received: bytes.length,
      sha256: sha256(bytes),
    });
    // Every member hears it, with the progress before it.
    await bob.next('file-state', (f) => f.file === reply.file && f.state === 'complete');

    const res = await fetch(`${h.http}/files/${reply.file}?key=${key}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('repr-digest')).toBe(`sha-256=:${Buffer.from(sha256(bytes), 'hex').toString('base64')}:`);
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(bytes));

    // The stored message now carries the checked hash, for whoever reads the history later.
    bob.send({ type: 'history', room: 'general', ref: 'h' });
    const page = await bob.next('history');
    expect(page.messages.find((m) => m.kind === 'file')?.body).toMatchObject({ sha256: sha256(bytes) });
  });

  it('serves byte ranges (206), refuses ranges past the end (416), and answers HEAD without a body', async () => {
    h = await startHost({ dataDir: dataDir() });
    const ann = await h.client('ann');
    const key = await keyOf(ann);
    const bytes = randomBytes(100_000);
    const { reply } = await uploadAll(ann, bytes);
    const url = `${h.http}/files/${reply.file}?key=${key}`;

    const part = await fetch(url, { headers: { Range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(1000, 2000));

    const tail = await fetch(url, { headers: { Range: 'bytes=99000-' } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(99_000));
    const suffix = await fetch(url, { headers: { Range: 'bytes=-10' } });
    expect(Buffer.from(await suffix.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 10));
    const upper = await fetch(url, { headers: { Range: 'Bytes=0-9' } }); // the unit is case-insensitive
    expect(upper.status).toBe(206);
    expect(Buffer.from(await upper.arrayBuffer())).toEqual(bytes.subarray(0, 10));

    const past = await fetch(url, { headers: { Range: `bytes=${bytes.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${bytes.length}`);

    // An If-Range that no longer matches gets the whole file.
    const stale = await fetch(url, { headers: { Range: 'bytes=0-9', 'If-Range': '"sha256-old"' } });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();

    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
  });

  it('refuses a file whose bytes do not have the sender’s hash, and never serves it', async () => {
    h = await startHost({ dataDir: dataDir() });
    const ann = await h.client('ann');
    const key = await keyOf(ann);
    const bytes = randomBytes(50_000);
    const reply = await offer(ann, { id: 'bad', size: bytes.length });
    sendChunks(ann, reply.file, bytes);
    const done = await finish(ann, reply.file, sha256(randomBytes(10)));
    expect(done).toMatchObject({ type: 'file-state', state: 'failed', reason: 'hash_mismatch' });
    expect(await ann.next('error')).toMatchObject({ code: 'hash_mismatch', id: reply.file });
    expect((await fetch(`${h.http}/files/${reply.file}?key=${key}`)).status).toBe(409);
    expect(h.host.files.usedBytes).toBe(0);
  });

  it('refuses upload-end before every byte is in, and keeps the upload going', async () => {
    h = await startHost({ dataDir: dataDir() });
    const ann = await h.client('ann');
    await keyOf(ann);
    const bytes = randomBytes(10_000);
    const reply = await offer(ann, { id: 'early', size: bytes.length });
    sendChunks(ann, reply.file, bytes, 0, 4000);
    expect(await finish(ann, reply.file, sha256(bytes))).toMatchObject({ code: 'upload_incomplete' });
    sendChunks(ann, reply.file, bytes, 4000);
    expect(await finish(ann, reply.file, sha256(bytes))).toMatchObject({ state: 'complete' });
  });

  it('takes a zero-byte file', async () => {
    h = await startHost({ dataDir: dataDir() });
    const ann = await h.client('ann');
    const key = await keyOf(ann);
    const { done, reply } = await uploadAll(ann, new Uint8Array(0), { name: 'empty.txt' });
    expect(done).toMatchObject({ state: 'complete', size: 0 });
    const res = await fetch(`${h.http}/files/${reply.file}?key=${key}`);
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });
});

describe('resume', () => {
  it('continues after a dropped connection from the byte the host stored, sending nothing twice', async () => {
    h = await startHost({ dataDir: dataDir() });
    const first = await h.client('ann', 'device-ann-resume');
    const key = await keyOf(first);
    const bytes = randomBytes(2 * 1024 * 1024);
    const reply = await offer(first, { id: 'resume-1', size: bytes.length });
    sendChunks(first, reply.file, bytes, 0, 1024 * 1024);
    await storedAtLeast(first, reply.file, 1024 * 1024);
    await first.close();

    const again = await h.client('ann', 'device-ann-resume');
    await keyOf(again);
    const resumed = await offer(again, { id: 'resume-1', size: bytes.length });
    expect(resumed).toMatchObject({ file: reply.file, seq: reply.seq, offset: 1024 * 1024, resumed: true });
    sendChunks(again, reply.file, bytes, resumed.offset);
    expect(await finish(again, reply.file, sha256(bytes))).toMatchObject({ state: 'complete' });
    const res = await fetch(`${h.http}/files/${reply.file}?key=${key}`);
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(bytes));
  });

  it('continues after the host restarts, hashing what it stored from the disk', async () => {
    const dir = dataDir();
    h = await startHost({ dataDir: dir });
    const ann = await h.client('ann', 'device-ann-restart');
    await keyOf(ann);
    const bytes = randomBytes(1024 * 1024 + 5);
    const reply = await offer(ann, { id: 'restart-1', size: bytes.length });
    sendChunks(ann, reply.file, bytes, 0, 600_000, 100_000);
    await storedAtLeast(ann, reply.file, 600_000);
    await h.stop();

    h = await startHost({ dataDir: dir });
    const back = await h.client('ann', 'device-ann-restart');
    const key = await keyOf(back);
    const resumed = await offer(back, { id: 'restart-1', size: bytes.length });
    expect(resumed.offset).toBe(600_000);
    sendChunks(back, reply.file, bytes, resumed.offset);
    expect(await finish(back, reply.file, sha256(bytes))).toMatchObject({ state: 'complete' });
    const res = await fetch(`${h.http}/files/${reply.file}?key=${key}`);
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(bytes));
  });

  it('refuses a chunk at the wrong offset once, drops the rest quietly, and resynchronises on upload', async () => {
    h = await startHost({ dataDir: dataDir() });
    const ann = await h.client('ann');
    await keyOf(ann);
    const bytes = randomBytes(40_000);
    const reply = await offer(ann, { id: 'gap', size: bytes.length });
    sendChunks(ann, reply.file, bytes, 0, 10_000);
    ann.sendRaw(chunkFrame(reply.file, 20_000, bytes.subarray(20_000, 30_000)), true); // skips 10 000 bytes
    ann.sendRaw(chunkFrame(reply.file, 30_000, bytes.subarray(30_000)), true);
    const error = await ann.next('error');
    expect(error).toMatchObject({ code: 'upload_offset', id: reply.file });
    expect(error.message).toContain('expects 10000');
    const resumed = await offer(ann, { id: 'gap', size: bytes.length });
    expect(resumed.offset).toBe(10_000);
    sendChunks(ann, reply.file, bytes, 10_000);
    expect(await finish(ann, reply.file, sha256(bytes))).toMatchObject({ state: 'complete' });
    expect(ann.all('error').filter((e) => e.code === 'upload_offset')).toHaveLength(1);
  });

  it('drops what an old connection still sends once the device resumed on a new one', async () => {
    h = await startHost({ dataDir: dataDir() });
    const old = await h.client('ann', 'device-ann-twice');
    await keyOf(old);
    const fresh = await h.client('ann', 'device-ann-twice');
    await keyOf(fresh);
    const bytes = randomBytes(30_000);
    const reply = await offer(old, { id: 'twice', size: bytes.length });
    const resumed = await offer(fresh, { id: 'twice', size: bytes.length });
    old.sendRaw(chunkFrame(reply.file, 0, bytes.subarray(0, 10_000)), true); // the old socket's leftovers
    sendChunks(fresh, reply.file, bytes, resumed.offset);
    expect(await finish(fresh, reply.file, sha256(bytes))).toMatchObject({ state: 'complete' });
    expect(fresh.all('error')).toEqual([]);
  });

  it('answers a repeat of a cancelled upload with its state only, so nothing is sent again', async () => {
    h = await startHost({ dataDir: dataDir() });
    const ann = await h.client('ann');
    await keyOf(ann);
    const reply = await offer(ann, { id: 'gone', size: 100 });
    ann.send({ type: 'upload-cancel', file: reply.file, ref: 'c' });
    await ann.next('file-state', (f) => f.ref === 'c');
    const repeat = offer(ann, { id: 'gone', size: 100 });
    await expect(repeat).rejects.toThrow(/"state":"cancelled"/);
    await expect(repeat).rejects.toThrow(/"type":"file-state"/);
  });

  it('counts offers that arrive together against maxUploadsPerConnection', async () => {
    h = await startHost({ dataDir: dataDir(), limits: { maxUploadsPerConnection: 2 } });
    const ann = await h.client('ann');
    await keyOf(ann);
    // Sent in one go, answered in any order: the frames are read as they come, not one reply at a time.
    for (const id of ['p', 'q', 'r', 's'])
      ann.send({ type: 'upload', ref: id, room: 'general', id, name: 'x', size: 10 });
    const answers = () => ann.frames.filter((f) => 'ref' in f && ['p', 'q', 'r', 's'].includes(f.ref as string));
    await expect.poll(() => answers().length).toBe(4);
    expect(answers().filter((f) => f.type === 'upload')).toHaveLength(2);
    expect(answers().filter((f) => f.type === 'error' && f.code === 'too_many_uploads')).toHaveLength(2);
  });

  it('refuses the same upload id for a file of another size', async () => {
    h = await startHost({ dataDir: dataDir() });
    const ann = await h.client('ann');
    await keyOf(ann);
    await offer(ann, { id: 'same', size: 10 });
    await expect(offer(ann, { id: 'same', size: 11 })).rejects.toThrow(/invalid_frame/);
  });

  it('refuses an upload id that is already a chat message of the device as invalid_frame, not a retryable storage_failed', async () => {
    const dir = dataDir();
    h = await startHost({ dataDir: dir });
    const ann = await h.client('ann');
    await keyOf(ann);
    ann.send({ type: 'send', room: 'general', id: 'm1', text: 'hello' });
    await ann.next('ack');
    for (let attempt = 0; attempt < 2; attempt++) {
      // A retry with the same id meets the same message: the answer must say to use another id.
      await expect(offer(ann, { id: 'm1', size: 10 })).rejects.toThrow(/"code":"invalid_frame".*new id/);
    }
    expect(h.host.files.usedBytes).toBe(0);
    expect(readdirSync(join(dir, 'files'))).toEqual([]);
    const fresh = await offer(ann, { id: 'm2', size: 10 });
    expect(fresh).toMatchObject({ offset: 0, resumed: false, seq: 2 });
  });
});

describe('who may do what', () => {
  it('keeps a room’s files from members of other rooms, and from wrong or missing keys', async () => {
    h = await startHost({ dataDir: dataDir() }, ['general', 'private']);
    await h.host.createRoom('private', { password: 'sesame-sesame' });
    const ann = await h.client('ann');
    const generalKey = await keyOf(ann);
    const bytes = randomBytes(1000);
    const { reply } = await uploadAll(ann, bytes);
    const url = (key: string) => `${h!.http}/files/${reply.file}?key=${key}`;
    expect((await fetch(url(generalKey))).status).toBe(200);
    expect((await fetch(`${h.http}/files/${reply.file}`)).status).toBe(404);
    expect((await fetch(url('A'.repeat(22)))).status).toBe(404);
    expect((await fetch(`${h.http}/files/${'0'.repeat(32)}?key=${generalKey}`)).status).toBe(404);

    // A member of another room cannot see its files' state either.
    const eve = await h.client('eve');
    eve.send({ type: 'file-status', room: 'general', files: [reply.file], ref: 's' });
    expect(await eve.next('error')).toMatchObject({ code: 'not_joined' });
  });

  it('changes a room’s file key with its password, so links handed out before stop working', async () => {
    h = await startHost({ dataDir: dataDir() });
    const ann = await h.client('ann');
    const before = await keyOf(ann);
    const { reply } = await uploadAll(ann, randomBytes(100));
    await h.host.createRoom('general', { password: 'a new password' });
    expect((await fetch(`${h.http}/files/${reply.file}?key=${before}`)).status).toBe(404);
    const locked = h.host.files.keyFor(h.host.hub.get('general')!);
    expect(locked).not.toBe(before);
    expect((await fetch(`${h.http}/files/${reply.file}?key=${locked}`)).status).toBe(200);
  });

  it('refuses a file from a device the operator muted in the room, and posts nothing', async () => {
    h = await startHost({ dataDir: dataDir() });
    const ann = await h.client('ann');
    await keyOf(ann);
    const welcome = ann.all('welcome')[0]!;
    await h.host.moderation.mute({ room: 'general', device: welcome.device, durationMs: 60_000 });
    await expect(offer(ann, { id: 'hush', size: 10 })).rejects.toThrow(/"code":"muted"/);
    expect(ann.all('message').filter((m) => m.kind === 'file')).toEqual([]);
    expect(h.host.files.usedBytes).toBe(0);
  });

  it('lets only the device that offered a file send its bytes, end or cancel it', async () => {
    h = await startHost({ dataDir: dataDir() });
    const ann = await h.client('ann');
    await keyOf(ann);
    const bob = await h.client('bob');
    await keyOf(bob);
    const reply = await offer(ann, { id: 'mine', size: 100 });
    bob.sendRaw(chunkFrame(reply.file, 0, new Uint8Array(100)), true);
    expect(await bob.next('error')).toMatchObject({ code: 'not_uploader' });
    bob.send({ type: 'upload-cancel', file: reply.file, ref: 'c' });
    expect(await bob.next('error')).toMatchObject({ code: 'not_uploader', ref: 'c' });
    bob.send({ type: 'file-status', room: 'general', files: [reply.file], ref: 's' });
    expect((await bob.next('file-status')).files).toEqual([
      { file: reply.file, state: 'uploading', received: 0, size: 100 },
    ]);
  });

  it('cancels: the partial file goes, the quota is given back, and every member is told', async () => {
    const dir = dataDir();
    h = await startHost({ dataDir: dir });
    const ann = await h.client('ann');
    await keyOf(ann);
    const bob = await h.client('bob');
    await keyOf(bob);
    const reply = await offer(ann, { id: 'stop', size: 5000 });
    sendChunks(ann, reply.file, randomBytes(2000));
    expect(h.host.files.usedBytes).toBe(5000);
    ann.send({ type: 'upload-cancel', file: reply.file, ref: 'c' });
    expect(await ann.next('file-state', (f) => f.ref === 'c')).toMatchObject({ state: 'cancelled' });
    await bob.next('file-state', (f) => f.state === 'cancelled');
    expect(h.host.files.usedBytes).toBe(0);
    expect(readdirSync(join(dir, 'files'))).toEqual([]);
  });
});

describe('limits', () => {
  it('takes a file of exactly maxFileBytes and refuses one byte more', async () => {
    h = await startHost({ dataDir: dataDir(), limits: { maxFileBytes: 4096 } });
    const ann = await h.client('ann');
    await keyOf(ann);
    await expect(offer(ann, { id: 'big', size: 4097 })).rejects.toThrow(/file_too_large.*4\.0 KiB/);
    expect((await uploadAll(ann, randomBytes(4096))).done).toMatchObject({ state: 'complete' });
  });

  it('refuses an offer past the quota with what is left, and takes it once room is made', async () => {
    h = await startHost({ dataDir: dataDir(), limits: { fileQuotaBytes: 10_000 } });
    const ann = await h.client('ann');
    await keyOf(ann);
    const first = await offer(ann, { id: 'q1', size: 8000 });
    await expect(offer(ann, { id: 'q2', size: 2001 })).rejects.toThrow(/quota_exceeded.*\(2000 bytes\) is left/);
    expect((await uploadAll(ann, randomBytes(2000))).done).toMatchObject({ state: 'complete' });
    ann.send({ type: 'upload-cancel', file: first.file, ref: 'c' });
    await ann.next('file-state', (f) => f.ref === 'c');
    expect((await uploadAll(ann, randomBytes(8000))).done).toMatchObject({ state: 'complete' });
  });

  it('allows maxUploadsPerConnection uploads at once and refuses the next', async () => {
    h = await startHost({ dataDir: dataDir(), limits: { maxUploadsPerConnection: 2 } });
    const ann = await h.client('ann');
    await keyOf(ann);
    await offer(ann, { id: 'a', size: 10 });
    await offer(ann, { id: 'b', size: 10 });
    await expect(offer(ann, { id: 'c', size: 10 })).rejects.toThrow(/too_many_uploads/);
  });

  it('allows maxUploads uploads on the host at once, over every connection, and refuses the next', async () => {
    h = await startHost({ dataDir: dataDir(), limits: { maxUploads: 2 } });
    const ann = await h.client('ann');
    await keyOf(ann);
    const bob = await h.client('bob');
    await keyOf(bob);
    await offer(ann, { id: 'a', size: 10 });
    const second = await offer(bob, { id: 'b', size: 10 });
    await expect(offer(ann, { id: 'c', size: 10 })).rejects.toThrow(/too_many_uploads/);
    // One finishing makes room.
    sendChunks(bob, second.file, new Uint8Array(10));
    await finish(bob, second.file, sha256(new Uint8Array(10)));
    await offer(ann, { id: 'c', size: 10 });
  });

  it('refuses a chunk that runs past the declared size', async () => {
    h = await startHost({ dataDir: dataDir() });
    const ann = await h.client('ann');
    await keyOf(ann);
    const reply = await offer(ann, { id: 'over', size: 10 });
    ann.sendRaw(chunkFrame(reply.file, 0, new Uint8Array(11)), true);
    expect((await ann.next('error')).message).toContain('past the file');
  });

  it('fails an upload that stalls past uploadIdleTimeoutMs and deletes its partial file', async () => {
    let now = 1_000_000;
    const dir = dataDir();
    h = await startHost({ dataDir: dir, clock: () => now, limits: { uploadIdleTimeoutMs: 60_000 } });
    const ann = await h.client('ann');
    await keyOf(ann);
    const reply = await offer(ann, { id: 'slow', size: 1000 });
    sendChunks(ann, reply.file, randomBytes(100));
    await storedAtLeast(ann, reply.file, 100);
    now += 59_000;
    expect(await h.host.files.reapStalled()).toBe(0);
    now += 2000;
    expect(await h.host.files.reapStalled()).toBe(1);
    expect(await ann.next('file-state', (f) => f.state === 'failed')).toMatchObject({ reason: 'stalled' });
    expect(existsSync(join(dir, 'files', `${reply.file}.part`))).toBe(false);
    expect(h.host.files.usedBytes).toBe(0);
  });
});

describe('names and types', () => {
  it('stores a hostile name made safe, and sends it back in the download’s Content-Disposition', async () => {
    h = await startHost({ dataDir: dataDir() });
    const ann = await h.client('ann');
    const key = await keyOf(ann);
    const { reply } = await uploadAll(ann, randomBytes(10), { name: '../../etc/\u202enoitpircs.exe' });
    const message = ann.all('message').find((m) => m.kind === 'file')!;
    expect(message.body).toMatchObject({ name: 'noitpircs.exe' });
    const res = await fetch(`${h.http}/files/${reply.file}?key=${key}`);
    expect(res.headers.get('content-disposition')).toContain(`filename="noitpircs.exe"`);
  });

  it('draws a real PNG inline and serves anything merely labelled as one as an attachment', async () => {
    h = await startHost({ dataDir: dataDir() });
    const ann = await h.client('ann');
    const key = await keyOf(ann);
    const png = Buffer.concat([PNG_HEAD, randomBytes(200)]);
    const real = await uploadAll(ann, png, { name: 'cat.png', mime: 'image/png', image: { width: 4, height: 3 } });
    const fake = await uploadAll(ann, Buffer.from('<script>alert(1)</script>'), { name: 'x.png', mime: 'image/png' });
    expect(real.done).toMatchObject({ state: 'complete', inline: true });
    expect(fake.done).toMatchObject({ state: 'complete' });
    expect(fake.done).not.toHaveProperty('inline');
    const realRes = await fetch(`${h.http}/files/${real.reply.file}?key=${key}`);
    expect(realRes.headers.get('content-type')).toBe('image/png');
    expect(realRes.headers.get('content-disposition')).toMatch(/^inline;/);
    const fakeRes = await fetch(`${h.http}/files/${fake.reply.file}?key=${key}`);
    expect(fakeRes.headers.get('content-type')).toBe('application/octet-stream');
    expect(fakeRes.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(fakeRes.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  });

  it('never serves SVG inline', async () => {
    h = await startHost({ dataDir: dataDir() });
    const ann = await h.client('ann');
    const key = await keyOf(ann);
    const svg = await uploadAll(ann, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), {
      name: 'logo.svg',
      mime: 'image/svg+xml',
    });
    const res = await fetch(`${h.http}/files/${svg.reply.file}?key=${key}`);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
  });
});
