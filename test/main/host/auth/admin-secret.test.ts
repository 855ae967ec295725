import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ADMIN_SECRET_FILE,
  adminSecretMatches,
  loadOrCreateAdminSecret,
} from '../../../../src/main/host/auth/admin-secret.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('admin secret', () => {
  it('is made once (256 random bits, base64url), kept 0600, and read back the same on the next start', () => {
    dir = mkdtempSync(join(tmpdir(), 'tincan-admin-'));
    const first = loadOrCreateAdminSecret(dir);
    expect(first.created).toBe(true);
    expect(first.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    const second = loadOrCreateAdminSecret(dir);
    expect(second).toEqual({ ...first, created: false });
    expect(loadOrCreateAdminSecret(mkdtempSync(join(tmpdir(), 'tincan-admin2-'))).secret).not.toBe(first.secret);
  });

  it('tightens a file someone loosened, and refuses one that holds no usable secret', () => {
    dir = mkdtempSync(join(tmpdir(), 'tincan-admin-'));
    const path = join(dir, ADMIN_SECRET_FILE);
    writeFileSync(path, 'abcdefghijklmnopqrstuv\n'); // 22 characters: the shortest accepted
    chmodSync(path, 0o644);
    expect(loadOrCreateAdminSecret(dir).secret).toBe('abcdefghijklmnopqrstuv');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    writeFileSync(path, 'abcdefghijklmnopqrstu\n'); // 21
    expect(() => loadOrCreateAdminSecret(dir!)).toThrow(/no usable admin secret/);
    writeFileSync(path, 'has spaces in it, not base64url\n');
    expect(() => loadOrCreateAdminSecret(dir!)).toThrow(/no usable admin secret/);
    expect(readFileSync(path, 'utf8')).toContain('has spaces'); // never replaced behind the operator's back
  });

  it('compares secrets whole: a prefix, an extension or a different case does not match', () => {
    const secret = 'Zq0_secret-of-the-host-123456';
    expect(adminSecretMatches(secret, secret)).toBe(true);
    for (const other of [secret.slice(0, -1), `${secret}0`, secret.toLowerCase(), '']) {
      expect(adminSecretMatches(secret, other)).toBe(false);
    }
  });
});
