import { describe, expect, it } from 'vitest';
import {
  createVerifier,
  formatVerifier,
  parseVerifier,
  verifierMatches,
} from '../../../../src/main/host/auth/scram-verifier.ts';
import { fromBase64, makeVerifier } from '../../../../src/shared/scram.ts';

describe('SCRAM verifiers as stored', () => {
  it('are SCRAM-SHA-256$<i>:<salt>$<StoredKey>:<ServerKey>, salted afresh, never the password', async () => {
    const a = await createVerifier('p4ssw0rd-unique', 4096);
    const b = await createVerifier('p4ssw0rd-unique', 4096);
    expect(a).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('p4ssw0rd');
    expect(a).not.toContain(btoa('p4ssw0rd-unique'));
  });

  it('match the password they were made from, in any Unicode normal form, and no other', async () => {
    const v = await createVerifier('ünïcode pass', 4096);
    expect(await verifierMatches('ünïcode pass', v)).toBe(true);
    expect(await verifierMatches('u\u0308nïcode pass'.normalize('NFD'), v)).toBe(true);
    expect(await verifierMatches('ünïcode pass ', v)).toBe(false);
    expect(await verifierMatches('x', 'scrypt$16384$8$1$c2FsdA==$a2V5')).toBe(false);
  });

  it('round-trip through their stored form, the RFC 7677 example included', async () => {
    const rfc = await makeVerifier('pencil', fromBase64('W22ZaJ0SNY7soEsUEjb6gQ==')!, 4096);
    expect(parseVerifier(formatVerifier(rfc))).toEqual(rfc);
  });

  it.each([
    'SCRAM-SHA-256$4096:c2FsdA==$AAAA:AAAA', // keys too short
    'SCRAM-SHA-256$0:c2FsdA==$x:y',
    'SCRAM-SHA-1$4096:c2FsdA==$x:y',
    'plaintext',
  ])('refuse %j', (text) => {
    expect(parseVerifier(text)).toBeNull();
  });

  it('need at least 4096 iterations (RFC 7677)', async () => {
    await expect(createVerifier('pw', 4095)).rejects.toThrow(/at least 4096/);
  });
});
