import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WEB_CONTENT_SECURITY_POLICY } from '../../../../src/shared/content-security-policy.ts';
import { bannedPageHtml, wantsHtml } from '../../../../src/main/host/moderation/banned-page.ts';
import { startHost } from '../../../helpers/host.ts';

type Host = Awaited<ReturnType<typeof startHost>>;
let h: Host | undefined;
let root: string | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

interface Answer {
  status: number;
  type: string;
  csp: string | undefined;
  body: string;
}

function get(path: string, headers: Record<string, string> = {}, localAddress = '127.0.1.9'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: h!.host.port, path, localAddress, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          type: String(res.headers['content-type']),
          csp: res.headers['content-security-policy'] as string | undefined,
          body,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** A host serving a tiny built client (index.html, one asset), with 127.0.1.0/24 banned for 30 minutes. */
async function bannedHost(): Promise<void> {
  root = mkdtempSync(join(tmpdir(), 'tincan-banned-web-'));
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><title>Tincan</title><script src="./assets/app.js"></script>',
  );
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log("app")');
  h = await startHost({ webRoot: root }, ['general']);
  await h.host.moderation.ban({ range: '127.0.1.0/24', durationMs: 30 * 60_000, reason: 'range test' });
}

const NAVIGATION = { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('a banned address over plain HTTP', () => {
  it('a browser navigation gets a readable 403 page with the time left in words, under the web CSP', async () => {
    await bannedHost();
    const page = await get('/', NAVIGATION);
    expect(page.status).toBe(403);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.csp).toBe(WEB_CONTENT_SECURITY_POLICY);
    expect(page.body).toContain('You are banned from this host for 30 minutes: range test');
    expect(page.body).not.toContain('<script');
    expect(page.body).not.toContain('"error"');
  });

  it('a program (no HTML asked for) keeps the JSON error, worded in minutes too', async () => {
    await bannedHost();
    const programs: Record<string, string>[] = [{}, { Accept: 'application/json' }, { Accept: '*/*' }];
    for (const headers of programs) {
      const answer = await get('/api/rooms', headers);
      expect(answer.status).toBe(403);
      expect(answer.type).toContain('application/json');
      expect(JSON.parse(answer.body)).toEqual({
        error: 'This address is banned from the host for 30 minutes: range test',
      });
    }
  });

  it('the /admin page and its assets stay reachable, so the operator can sign in and lift the ban', async () => {
    await bannedHost();
    const admin = await get('/admin', NAVIGATION);
    expect(admin.status).toBe(200);
    expect(admin.body).toContain('<title>Tincan</title>');
    expect((await get('/assets/app.js')).status).toBe(200);
    // The admin API still demands the secret (none is set here: it is off), and the app itself stays closed.
    expect((await get('/admin/api/view')).status).toBe(404);
    expect((await get('/index.html', NAVIGATION)).status).toBe(403);
    expect((await get('/general', NAVIGATION)).status).toBe(403);
    // Others are not affected.
    expect((await get('/', NAVIGATION, '127.0.2.9')).status).toBe(200);
  });

  it('a ban until lifted says so', async () => {
    await bannedHost();
    await h!.host.moderation.ban({ range: '127.0.3.0/24' });
    const page = await get('/', NAVIGATION, '127.0.3.3');
    expect(page.body).toContain('You are banned from this host until the operator lifts it');
  });
});

describe('the banned page', () => {
  it('escapes the operator’s reason', () => {
    const html = bannedPageHtml('You are banned: <img src=x onerror=alert(1)> & "so"');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;so&quot;');
    expect(html).not.toContain('<img');
  });

  it('is for requests that ask for HTML', () => {
    const req = (accept?: string) => ({ headers: accept === undefined ? {} : { accept } }) as never;
    expect(wantsHtml(req(NAVIGATION.Accept))).toBe(true);
    expect(wantsHtml(req('*/*'))).toBe(false);
    expect(wantsHtml(req())).toBe(false);
    expect(wantsHtml(req('application/json'))).toBe(false);
  });
});
