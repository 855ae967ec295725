import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { pinnedFetch } from '../../../src/main/downloads/pinned-fetch.ts';
import { fingerprintOf } from '../../../src/main/tls/index.ts';
import { downloadResumable } from '../../../src/shared/files/resumable-download.ts';
import { testIdentity } from '../../helpers/identity.ts';

const identity = await testIdentity('lanbox');
const other = await testIdentity('impostor');
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** An https server with `cert` that records every request it gets, answering with `body` (ranges too). */
async function serve(cert: { key: string; cert: string }, body: Buffer) {
  const seen: { url: string; range: string | undefined }[] = [];
  const server = createServer(cert, (req, res) => {
    seen.push({ url: req.url!, range: req.headers.range });
    const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    res.writeHead(from ? 206 : 200, {
      'Content-Length': body.length - from,
      ...(from ? { 'Content-Range': `bytes ${from}-${body.length - 1}/${body.length}` } : {}),
      ETag: '"x"',
    });
    res.end(body.subarray(from));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as { port: number }).port, seen };
}

const pinnedTo = (fingerprint: string) => (_host: string, pem: string) => fingerprintOf(pem) === fingerprint;

describe('pinnedFetch', () => {
  it('downloads over https from a host whose self-signed certificate is the pinned one', async () => {
    const body = randomBytes(300_000);
    const { port } = await serve(identity, body);
    const fetch = pinnedFetch(pinnedTo(identity.fingerprint));
    const chunks: Uint8Array[] = [];
    await downloadResumable({
      url: `https://127.0.0.1:${port}/files/${'a'.repeat(32)}?key=k`,
      fetch,
      sink: { write: async (b) => void chunks.push(b), restart: async () => void chunks.splice(0) },
    });
    expect(Buffer.concat(chunks).equals(body)).toBe(true);
  });

  it('refuses another certificate before anything is sent: the file key never reaches the impostor', async () => {
    const { port, seen } = await serve(other, Buffer.from('nothing'));
    const fetch = pinnedFetch(pinnedTo(identity.fingerprint));
    await expect(fetch(`https://127.0.0.1:${port}/files/${'a'.repeat(32)}?key=secret`)).rejects.toThrow(
      'not the one pinned',
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([]);
  });

  it('passes the headers it is given (a resume’s Range) and reads a partial answer', async () => {
    const body = randomBytes(1000);
    const { port, seen } = await serve(identity, body);
    const res = await pinnedFetch(pinnedTo(identity.fingerprint))(`https://127.0.0.1:${port}/f`, {
      headers: { Range: 'bytes=400-' },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 400-999/1000');
    expect(Buffer.from(await res.arrayBuffer()).equals(body.subarray(400))).toBe(true);
    expect(seen).toEqual([{ url: '/f', range: 'bytes=400-' }]);
  });

  it('leaves plain http to the fetch it was given', async () => {
    const calls: string[] = [];
    const plain = (async (input: string | URL | Request) => {
      calls.push(String(input));
      return new Response('ok');
    }) as typeof fetch;
    const res = await pinnedFetch(() => false, plain)('http://127.0.0.1:1/files/x');
    expect(await res.text()).toBe('ok');
    expect(calls).toEqual(['http://127.0.0.1:1/files/x']);
  });
});
