import { readFileSync } from 'node:fs';
import type { Session } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { resetElectronFake, session } from '../fakes/electron.ts';
import {
  applyContentSecurityPolicy,
  CONTENT_SECURITY_POLICY,
  CONTENT_SECURITY_POLICY_META,
  serializeCsp,
  withContentSecurityPolicy,
} from '../../src/main/csp.ts';

vi.mock('electron', () => import('../fakes/electron.ts'));

/** Parses `a x y; b z` into `{ a: ['x', 'y'], b: ['z'] }`, failing on a repeated directive. */
function parseCsp(policy: string): Record<string, string[]> {
  const directives: Record<string, string[]> = {};
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (!name) continue;
    expect(directives, `directive ${name} appears twice`).not.toHaveProperty(name);
    directives[name] = values;
  }
  return directives;
}

beforeEach(() => {
  resetElectronFake();
});

describe('CONTENT_SECURITY_POLICY', () => {
  const csp = parseCsp(CONTENT_SECURITY_POLICY);

  it('denies everything by default', () => {
    expect(csp['default-src']).toEqual(["'none'"]);
    expect(csp['base-uri']).toEqual(["'none'"]);
    expect(csp['form-action']).toEqual(["'none'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
  });

  it('allows scripts only from the app: no inline script, no eval (WebAssembly compiles, JavaScript eval does not)', () => {
    expect(csp['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/(^|[ ;])'unsafe-eval'/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it('allows exactly what the UI needs', () => {
    expect(csp).toEqual({
      'default-src': ["'none'"],
      'script-src': ["'self'", "'wasm-unsafe-eval'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:', 'blob:', 'http:', 'https:'],
      'font-src': ["'self'"],
      'connect-src': ["'self'", 'ws:', 'wss:', 'http:', 'https:'],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
      'frame-ancestors': ["'none'"],
    });
  });

  it('never allows a wildcard source', () => {
    expect(Object.values(csp).flat()).not.toContain('*');
  });
});

describe('the meta tag in src/renderer/index.html', () => {
  it('carries the same policy, minus the header-only directives', () => {
    const html = readFileSync(new URL('../../src/renderer/index.html', import.meta.url), 'utf8');
    const match = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html);
    expect(match?.[1]).toBe(CONTENT_SECURITY_POLICY_META);
    expect(parseCsp(CONTENT_SECURITY_POLICY_META)).not.toHaveProperty('frame-ancestors');
  });
});

describe('serializeCsp', () => {
  it('joins values with spaces and directives with semicolons', () => {
    expect(serializeCsp({ 'default-src': ["'none'"], 'img-src': ["'self'", 'data:'] })).toBe(
      "default-src 'none'; img-src 'self' data:",
    );
  });
});

describe('withContentSecurityPolicy', () => {
  it('replaces any policy the response carried, whatever its letter case', () => {
    const headers = withContentSecurityPolicy({
      'content-security-policy': ['default-src *'],
      'CONTENT-SECURITY-POLICY': 'script-src * unsafe-eval',
      'Content-Type': 'text/html',
    });
    expect(headers).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
  });

  it('adds the policy when the response had no headers', () => {
    expect(withContentSecurityPolicy(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});

describe('applyContentSecurityPolicy', () => {
  it('sets the policy header on every response of the session', () => {
    const fake = session.defaultSession;
    applyContentSecurityPolicy(fake as unknown as Session);
    expect(fake.webRequest.onHeadersReceived).toHaveBeenCalledTimes(1);

    const callback = vi.fn();
    fake.headersListener?.({ url: 'file:///app/index.html', responseHeaders: { Server: ['x'] } }, callback);
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { Server: ['x'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
});

describe('the web build the host serves', () => {
  it('gets the desktop window’s policy (plus its manifest), from the one definition', async () => {
    const { WEB_CSP } = await import('../../src/main/host/static-files.ts');
    const web = parseCsp(WEB_CSP);
    const desktop = parseCsp(CONTENT_SECURITY_POLICY);
    expect(web).toEqual({ ...desktop, 'manifest-src': ["'self'"] });
  });
});
