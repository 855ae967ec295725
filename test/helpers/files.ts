import { createHash, randomBytes } from 'node:crypto';
import { BINARY_TYPES, encodeBinaryFrame, type HostFrame, type HostFrameOf } from '../../src/shared/protocol/index.ts';
import type { TestClient } from './test-client.ts';

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A chunk frame of file `file` (32 hex) at `offset`. */
export function chunkFrame(file: string, offset: number, payload: Uint8Array): Buffer {
  return Buffer.from(
    encodeBinaryFrame({ type: BINARY_TYPES.fileChunk, id: Buffer.from(file, 'hex'), offset, payload }),
  );
}

/** Offer a file; resolves with the host's `upload` reply, or throws with the error frame's code. */
export async function offer(
  client: TestClient,
  fields: {
    room?: string;
    id: string;
    name?: string;
    size: number;
    mime?: string;
    image?: { width: number; height: number };
  },
): Promise<HostFrameOf<'upload'>> {
  const ref = `offer-${fields.id}-${Math.random()}`;
  client.send({ type: 'upload', ref, room: 'general', name: 'data.bin', ...fields });
  const reply = await client.nextWhere((f) => 'ref' in f && f.ref === ref, 10_000);
  if (reply.type !== 'upload') throw Object.assign(new Error(JSON.stringify(reply)), { frame: reply });
  return reply;
}

/** Send `bytes[from..to)` of `file` in chunks of `chunk` bytes. */
export function sendChunks(
  client: TestClient,
  file: string,
  bytes: Uint8Array,
  from = 0,
  to = bytes.length,
  chunk = 256 * 1024,
) {
  for (let at = from; at < to; at += chunk) {
    client.sendRaw(chunkFrame(file, at, bytes.subarray(at, Math.min(to, at + chunk))), true);
  }
}

/** Ask the host to finish `file`; resolves with the reply (`file-state`) or the error frame. */
export async function finish(client: TestClient, file: string, hash: string): Promise<HostFrame> {
  const ref = `end-${file}-${Math.random()}`;
  client.send({ type: 'upload-end', ref, file, sha256: hash });
  return client.nextWhere((f) => 'ref' in f && f.ref === ref, 10_000);
}

/** Offer, send every byte, and end: the whole upload of `bytes`. */
export async function uploadAll(
  client: TestClient,
  bytes: Uint8Array,
  fields: Partial<Parameters<typeof offer>[1]> = {},
) {
  const reply = await offer(client, { id: `up-${randomBytes(6).toString('hex')}`, size: bytes.length, ...fields });
  sendChunks(client, reply.file, bytes, reply.offset);
  const done = await finish(client, reply.file, sha256(bytes));
  return { reply, done };
}

/** Wait until the host has stored at least `bytes` of `file` (from the progress the room is sent). */
export function storedAtLeast(client: TestClient, file: string, bytes: number, timeoutMs = 10_000) {
  return client.nextWhere((f) => f.type === 'file-state' && f.file === file && f.received >= bytes, timeoutMs);
}
