import { describe, expect, it, vi } from 'vitest';
import { pinCertificates } from '../../src/main/certificate-pinning.ts';
import { PinStore } from '../../src/main/pins/index.ts';
import type { CertificatePin, CertificateRefused, Settings } from '../../src/shared/ipc.ts';
import { FakeSession } from '../fakes/electron.ts';
import { testIdentity } from '../helpers/identity.ts';

vi.mock('electron', () => import('../fakes/electron.ts'));

const a = await testIdentity('a');
const b = await testIdentity('b');

function store(): PinStore {
  let pins: CertificatePin[] = [];
  return new PinStore({
    get: () => ({ pins }) as Settings,
    setPins: async (next) => ({ pins: (pins = next) }) as Settings,
  });
}

describe('pinCertificates (Electron session glue)', () => {
  it('accepts the pinned certificate, refuses another from a pinned host (and says so), leaves other hosts to Chromium', async () => {
    const session = new FakeSession();
    const pins = store();
    const refused: CertificateRefused[] = [];
    pinCertificates(session as never, pins, (r) => refused.push(r));
    await pins.trust('10.0.0.2:4747', a.fingerprint, a.id);
    expect(await session.verifyCertificate({ hostname: '10.0.0.2', certificate: { data: a.cert } })).toBe(0);
    expect(refused).toEqual([]);
    expect(await session.verifyCertificate({ hostname: '10.0.0.2', certificate: { data: b.cert } })).toBe(-2);
    expect(refused).toEqual([{ hostname: '10.0.0.2', presented: b.fingerprint, pinned: [a.fingerprint] }]);
    expect(await session.verifyCertificate({ hostname: 'example.com', certificate: { data: b.cert } })).toBe(-3);
  });

  it('installs the check again when asked (after pins change)', () => {
    const session = new FakeSession();
    const reinstall = pinCertificates(session as never, store(), () => {});
    reinstall();
    expect(session.setCertificateVerifyProc).toHaveBeenCalledTimes(2);
    expect(session.certificateVerifyProc).toBeTypeOf('function');
  });
});
