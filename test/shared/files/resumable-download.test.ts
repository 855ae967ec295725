import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { DownloadRefused, downloadResumable } from '../../../src/shared/files/resumable-download.ts';

/**
 * The resume loop against real HTTP servers that misbehave the ways a LAN does: the host's own
 * route (Range, If-Range) is exercised in test/main/downloads; here a server that drops the
 * connection, one that ignores Range, and one that refuses.
 */

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return `http://127.0.0.1:${address.port}/files/${'a'.repeat(32)}`;
}

function collect() {
  let parts: Uint8Array[] = [];
  let restarts = 0;
  return {
    sink: {
      write: (bytes: Uint8Array) => void parts.push(bytes.slice()),
      restart: () => {
        parts = [];
        restarts++;
      },
    },
    bytes: () => Buffer.concat(parts),
    restarts: () => restarts,
  };
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const quick = () => 5;

describe('downloadResumable', () => {
  const file = randomBytes(300_000);

  it('asks for the rest with Range after the connection drops, and gets every byte once', async () => {
    const ranges: (string | undefined)[] = [];
    const url = await serve((req, res) => {
      ranges.push(req.headers.range);
      const from = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0);
      const headers = { ETag: '"v1"', 'Content-Length': file.length - from };
      if (from === 0) {
        res.writeHead(200, headers);
        res.write(file.subarray(0, 100_000), () => res.destroy()); // the connection drops
        return;
      }
      res.writeHead(206, { ...headers, 'Content-Range': `bytes ${from}-${file.length - 1}/${file.length}` });
      res.end(file.subarray(from));
    });
    const out = collect();
    const result = await downloadResumable({ url, sink: out.sink, retryDelayMs: quick });
    expect(result).toEqual({ bytes: file.length, etag: '"v1"', resumes: 1 });
    expect(sha(out.bytes())).toBe(sha(file));
    expect(ranges[0]).toBeUndefined();
    expect(ranges[1]).toMatch(/^bytes=\d+-$/);
  });

  it('starts over when a server answers a Range request with the whole file (200)', async () => {
    let calls = 0;
    const url = await serve((_req, res) => {
      calls++;
      res.writeHead(200, { 'Content-Length': file.length });
      if (calls === 1) res.write(file.subarray(0, 50_000), () => res.destroy());
      else res.end(file);
    });
    const out = collect();
    const result = await downloadResumable({ url, sink: out.sink, retryDelayMs: quick });
    expect(out.restarts()).toBe(1);
    expect(result.bytes).toBe(file.length);
    expect(sha(out.bytes())).toBe(sha(file));
  });

  it('gives up at once on 404 and 409, and after maxRetries on a server that keeps failing', async () => {
    for (const status of [404, 409]) {
      const url = await serve((_req, res) => res.writeHead(status).end());
      await expect(downloadResumable({ url, sink: collect().sink, retryDelayMs: quick })).rejects.toBeInstanceOf(
        DownloadRefused,
      );
    }
    let calls = 0;
    const url = await serve((_req, res) => {
      calls++;
      res.writeHead(503).end();
    });
    await expect(downloadResumable({ url, sink: collect().sink, maxRetries: 2, retryDelayMs: quick })).rejects.toThrow(
      /503/,
    );
    expect(calls).toBe(3);
  });

  it('stops when aborted, even while waiting to retry', async () => {
    const url = await serve((_req, res) => res.writeHead(503).end());
    const controller = new AbortController();
    const running = downloadResumable({
      url,
      sink: collect().sink,
      signal: controller.signal,
      retryDelayMs: () => 60_000,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(running).rejects.toBeDefined();
  });
});
