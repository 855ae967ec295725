import { describe, expect, it } from 'vitest';
import { scramPrimitives, jsPrimitives } from '../../../../src/renderer/src/lib/net/scram-primitives.ts';
import { ScramClient, webCryptoPrimitives } from '../../../../src/shared/scram.ts';

describe('SCRAM primitives without WebCrypto (plain-http LAN pages)', () => {
  it('@noble/hashes gives the RFC 7677 exchange byte for byte', async () => {
    const client = new ScramClient('user', 'pencil', 'rOprNGfwEbeRWgbNEkqO', jsPrimitives);
    expect(
      await client.answer('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'),
    ).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(client.verifyServer('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).toBe(true);
  });

  it('agrees with WebCrypto on other inputs', async () => {
    const key = crypto.getRandomValues(new Uint8Array(40));
    const data = crypto.getRandomValues(new Uint8Array(1000));
    expect(await jsPrimitives.hmac(key, data)).toEqual(await webCryptoPrimitives.hmac(key, data));
    expect(await jsPrimitives.sha256(data)).toEqual(await webCryptoPrimitives.sha256(data));
    expect(await jsPrimitives.pbkdf2(key, data.subarray(0, 16), 5000)).toEqual(
      await webCryptoPrimitives.pbkdf2(key, data.subarray(0, 16), 5000),
    );
  });

  it('are picked only when the page has no crypto.subtle', () => {
    expect(scramPrimitives()).toBe(webCryptoPrimitives); // Node has WebCrypto
  });
});
