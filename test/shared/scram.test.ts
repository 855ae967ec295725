import { describe, expect, it } from 'vitest';
import {
  authMessage,
  fromBase64,
  makeVerifier,
  parseClientFinal,
  parseClientFirst,
  parseServerFinal,
  parseServerFirst,
  saslName,
  ScramClient,
  ScramError,
  serverSignature,
  toBase64,
  verifyClientProof,
} from '../../src/shared/scram.ts';

// RFC 7677 §3: the SCRAM-SHA-256 example exchange, user "user", password "pencil".
const V = {
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal:
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

describe('SCRAM-SHA-256 against the RFC 7677 test vector', () => {
  it('the client computes the RFC proof and accepts the RFC server signature', async () => {
    const client = new ScramClient('user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    expect(client.clientFirst).toBe(V.clientFirst);
    expect(await client.answer(V.serverFirst)).toBe(V.clientFinal);
    expect(client.verifyServer(V.serverFinal)).toBe(true);
  });

  it('a verifier made from the password checks the RFC proof and signs as the RFC server does', async () => {
    const first = parseServerFirst(V.serverFirst)!;
    const verifier = await makeVerifier('pencil', first.salt, first.iterations);
    const final = parseClientFinal(V.clientFinal)!;
    const message = authMessage(parseClientFirst(V.clientFirst)!.bare, V.serverFirst, final.withoutProof);
    expect(await verifyClientProof(verifier.storedKey, message, final.proof)).toBe(true);
    expect(`v=${toBase64(await serverSignature(verifier.serverKey, message))}`).toBe(V.serverFinal);
    const wrong = await makeVerifier('pencil2', first.salt, first.iterations);
    expect(await verifyClientProof(wrong.storedKey, message, final.proof)).toBe(false);
    const flipped = final.proof.slice();
    flipped[0]! ^= 1;
    expect(await verifyClientProof(verifier.storedKey, message, flipped)).toBe(false);
  });

  it('refuses a server signature that is not the one the verifier makes, or an error', async () => {
    const client = new ScramClient('user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    await client.answer(V.serverFirst);
    expect(client.verifyServer('v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).toBe(false);
    // Only one spelling of the signature: the same bytes with non-zero padding bits are refused.
    expect(parseServerFinal('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G5=')).toBeNull();
    const other = new ScramClient('user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    await other.answer(V.serverFirst);
    expect(other.verifyServer('e=invalid-proof')).toBe(false);
    // Unanswered: nothing to compare with.
    expect(new ScramClient('user', 'pencil').verifyServer(V.serverFinal)).toBe(false);
  });

  it('will not answer a challenge with another nonce, too few or too many iterations, or twice', async () => {
    const mk = () => new ScramClient('user', 'pencil', 'abc');
    await expect(mk().answer('r=xyzdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')).rejects.toThrow(ScramError);
    await expect(mk().answer('r=abc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')).rejects.toThrow(/nonce/);
    await expect(mk().answer('r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4095')).rejects.toThrow(/4095/);
    await expect(mk().answer('r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=10000001')).rejects.toThrow(/10000001/);
    await expect(mk().answer('r=abcdef,s=***,i=4096')).rejects.toThrow(/malformed/);
    const once = mk();
    await once.answer('r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    await expect(once.answer('r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')).rejects.toThrow(/already/);
  });
});

describe('SCRAM message grammar', () => {
  it('escapes user names with , and = and reads them back', () => {
    expect(saslName('a,b=c')).toBe('a=2Cb=3Dc');
    const client = new ScramClient('机房, ops=1', 'pw', 'n0nce');
    expect(parseClientFirst(client.clientFirst)).toEqual({
      user: '机房, ops=1',
      nonce: 'n0nce',
      bare: 'n=机房=2C ops=3D1,r=n0nce',
    });
  });

  it.each([
    'y,,n=user,r=abc', // channel binding supported-but-not-used flag
    'p=tls-unique,,n=user,r=abc', // channel binding
    'n,a=admin,n=user,r=abc', // authorization identity
    'n,,m=ext,n=user,r=abc', // mandatory extension
    'n,,n=us=er,r=abc', // bad escape
    'n,,n=user,r=a,b', // comma in nonce
    'n,,n=,r=abc',
  ])('refuses the client-first message %j', (message) => {
    expect(parseClientFirst(message)).toBeNull();
  });

  it('reads only well-formed server-first, client-final and server-final messages', () => {
    expect(parseServerFirst('r=ab,s=AAAA,i=0')).toBeNull();
    expect(parseServerFirst('r=ab,s=,i=4096')).toBeNull();
    expect(parseServerFirst('r=ab,s=AAAA,i=4096,x=1')).toBeNull();
    expect(parseClientFinal('c=biws,r=ab')).toBeNull();
    expect(parseClientFinal('c=biws,r=ab,p=A')).toBeNull();
    expect(parseServerFinal('v=')).toBeNull();
    expect(parseServerFinal('e=other-error')).toEqual({ error: 'other-error' });
  });

  it('base64 round-trips every byte and refuses what is not base64', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(fromBase64(toBase64(all))).toEqual(all);
    expect(fromBase64('abc')).toBeNull();
    expect(fromBase64('ab$=')).toBeNull();
  });
});
