import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Protocol } from 'electron';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { protocol, resetElectronFake } from '../fakes/electron.ts';
import {
  APP_INDEX_URL,
  contentTypeOf,
  createAppRequestHandler,
  registerAppScheme,
  serveAppScheme,
} from '../../src/main/app-protocol.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/main/csp.ts';

vi.mock('electron', () => import('../fakes/electron.ts'));

let base: string;
let root: string;
let handle: (request: Request) => Promise<Response>;

const get = (url: string, method = 'GET') => handle(new Request(url, { method }));

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'tincan-app-scheme-'));
  root = join(base, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Tincan</title>');
  await writeFile(join(root, 'assets', 'index-abc.js'), 'console.log("hi")');
  await writeFile(join(root, 'assets', 'index-abc.css'), 'body{}');
  await writeFile(join(root, 'assets', 'logo.svg'), '<svg/>');
  await writeFile(join(root, 'assets', 'blob.bin'), 'x');
  await writeFile(join(base, 'secret.txt'), 'the secret');
  await symlink(join(base, 'secret.txt'), join(root, 'assets', 'leak.txt'));
  handle = createAppRequestHandler(root);
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

beforeEach(() => {
  resetElectronFake();
});

describe('registerAppScheme', () => {
  it('makes app: a standard, secure scheme with fetch support', () => {
    registerAppScheme(protocol as unknown as Protocol);
    expect(protocol.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
  });

  it('serves the handler on the app scheme', async () => {
    serveAppScheme(protocol as unknown as Protocol, root);
    const handler = protocol.handlers.get('app');
    expect(handler).toBeTypeOf('function');
    const response = await handler!(new Request(APP_INDEX_URL));
    expect(response.status).toBe(200);
  });
});

describe('the app:// handler', () => {
  it('serves the page with its content type and the app CSP', async () => {
    expect(APP_INDEX_URL).toBe('app://tincan/index.html');
    for (const url of ['app://tincan/index.html', 'app://tincan/', 'app://TINCAN/index.html']) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toBe('<!doctype html><title>Tincan</title>');
    }
  });

  it('serves assets with the right MIME types', async () => {
    const cases: [string, string, string][] = [
      ['assets/index-abc.js', 'text/javascript; charset=utf-8', 'console.log("hi")'],
      ['assets/index-abc.css', 'text/css; charset=utf-8', 'body{}'],
      ['assets/logo.svg', 'image/svg+xml', '<svg/>'],
      ['assets/blob.bin', 'application/octet-stream', 'x'],
    ];
    for (const [path, type, body] of cases) {
      const response = await get(`app://tincan/${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe(type);
      expect(response.headers.get('content-length'), path).toBe(String(body.length));
      expect(response.headers.get('content-security-policy'), path).toBeNull();
      expect(await response.text(), path).toBe(body);
    }
  });

  it('answers HEAD without a body', async () => {
    const response = await get('app://tincan/assets/index-abc.js', 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('17');
    expect(await response.text()).toBe('');
  });

  it('falls back to index.html for paths without an extension, 404 for missing files', async () => {
    const route = await get('app://tincan/rooms/general');
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>Tincan</title>');
    expect((await get('app://tincan/assets/missing.js')).status).toBe(404);
    expect((await get('app://tincan/assets')).status).toBe(200); // a folder: the UI's route fallback
  });

  it('refuses every way out of the renderer folder', async () => {
    const attempts = [
      'app://tincan/..%2fsecret.txt',
      'app://tincan/assets/..%2f..%2fsecret.txt',
      'app://tincan/%2e%2e%2fsecret.txt',
      'app://tincan/..%5csecret.txt',
      'app://tincan/assets%5c..%5c..%5csecret.txt',
      'app://tincan/index.html%00.js',
    ];
    for (const url of attempts) {
      const response = await get(url);
      expect(response.status, url).toBe(403);
      expect(await response.text(), url).not.toContain('the secret');
    }
    // Plain dot segments are resolved by the URL parser itself and stay inside.
    expect((await get('app://tincan/../../secret.txt')).status).toBe(404);
  });

  it('refuses a symlink that points outside', async () => {
    const response = await get('app://tincan/assets/leak.txt');
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain('the secret');
  });

  it('serves only its own host and only GET and HEAD', async () => {
    expect((await get('app://elsewhere/index.html')).status).toBe(404);
    expect((await get('http://tincan/index.html')).status).toBe(404);
    expect((await get('app://tincan/index.html', 'POST')).status).toBe(405);
  });
});

describe('contentTypeOf', () => {
  it('knows what a Vite build emits, case-insensitively', () => {
    expect(contentTypeOf('a.HTML')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('a.mjs')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('font.woff2')).toBe('font/woff2');
    expect(contentTypeOf('x.wasm')).toBe('application/wasm');
    expect(contentTypeOf('noextension')).toBe('application/octet-stream');
  });
});
