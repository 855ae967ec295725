import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveInside } from '../../../src/main/host/web-root.ts';
import { startHost } from '../../helpers/host.ts';

type Host = Awaited<ReturnType<typeof startHost>>;
let h: Host;
let web: string;
beforeAll(() => {
  web = mkdtempSync(join(tmpdir(), 'tincan-web-'));
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>Tincan</title>');
  writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'tincan-secret.txt'), 'secret');
  symlinkSync(join(tmpdir(), 'tincan-secret.txt'), join(web, 'assets', 'leak.txt'));
  symlinkSync(join(web, 'assets', 'app.js'), join(web, 'assets', 'alias.js'));
});
afterAll(() => rmSync(web, { recursive: true, force: true }));
afterEach(async () => h?.stop());

describe('HTTP routes', () => {
  it('does not follow a symlink out of the web root, and follows one inside it', async () => {
    h = await startHost({ webRoot: web });
    const leak = await fetch(`${h.http}/assets/leak.txt`);
    expect(leak.status).toBe(404);
    expect(await leak.text()).not.toContain('secret');
    const alias = await fetch(`${h.http}/assets/alias.js`);
    expect(alias.status).toBe(200);
    expect(await alias.text()).toBe('console.log(1)');
  });

  it('reports health and room info as JSON', async () => {
    h = await startHost({ hostName: 'box' }, ['general', 'ops']);
    const health = await (await fetch(`${h.http}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', protocol: 1, host: { name: 'box' }, connections: 0 });
    const c = await h.joined('ops');
    const res = await fetch(`${h.http}/api/rooms`);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toMatchObject({
      host: { name: 'box' },
      protocol: 1,
      rooms: [
        { name: 'general', members: 0 },
        { name: 'ops', members: 1 },
      ],
    });
    await c.close();
  });

  it('serves the web client with a CSP, falls back to index.html for app routes, and 404s the rest', async () => {
    h = await startHost({ webRoot: web });
    const index = await fetch(`${h.http}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await index.text()).toContain('<title>Tincan</title>');
    const js = await fetch(`${h.http}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/text\/javascript/);
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${h.http}/room/general`)).status).toBe(200);
    expect((await fetch(`${h.http}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${h.http}/health`, { method: 'POST' })).status).toBe(405);
  });

  it('never serves files outside the web root', async () => {
    h = await startHost({ webRoot: web });
    for (const path of [
      '/..%2ftincan-secret.txt',
      '/%2e%2e/tincan-secret.txt',
      '/assets/..%5c..%5ctincan-secret.txt',
      '/%00',
      '/%E0%A4%A',
    ]) {
      const res = await fetch(`${h.http}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('secret');
    }
    expect(resolveInside('/srv/web', '/../etc/passwd')).toBeNull();
    expect(resolveInside('/srv/web', '/a/../../etc')).toBeNull();
    expect(resolveInside('/srv/web', '/a/b.js')).toBe('/srv/web/a/b.js');
  });

  it('answers 404 for the web client when none is built', async () => {
    h = await startHost({ webRoot: null });
    expect((await fetch(`${h.http}/`)).status).toBe(404);
  });
});
