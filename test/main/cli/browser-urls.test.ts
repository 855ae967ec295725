import { describe, expect, it } from 'vitest';
import { browserUrlLines } from '../../../src/main/cli/browser-urls.ts';
import type { LanAddress } from '../../../src/main/host/index.ts';

const addresses: LanAddress[] = [
  { interface: 'eth0', address: '10.0.0.2', family: 'IPv4', internal: false },
  { interface: 'lo', address: '::1', family: 'IPv6', internal: true },
];
const base = { addresses, port: 4747, webClient: true };

describe('browserUrlLines', () => {
  it('lists one http:// URL per address without TLS', () => {
    expect(browserUrlLines({ ...base, tls: false, tlsOnly: false })).toEqual([
      'Open in a browser on the LAN:',
      '  http://10.0.0.2:4747/  (eth0)',
      '  http://[::1]:4747/  (lo, this machine only)',
    ]);
  });

  it('lists both schemes with --tls, since the one port answers both, and says what https:// is for', () => {
    const lines = browserUrlLines({ ...base, tls: true, tlsOnly: false });
    expect(lines[0]).toBe(
      'Open in a browser on the LAN (https:// to compare the certificate with the fingerprint below):',
    );
    expect(lines.slice(1)).toEqual([
      '  http://10.0.0.2:4747/  https://10.0.0.2:4747/  (eth0)',
      '  http://[::1]:4747/  https://[::1]:4747/  (lo, this machine only)',
    ]);
  });

  it('lists only https:// with --tls-only, and says when the web client is missing', () => {
    expect(browserUrlLines({ ...base, webClient: false, tls: true, tlsOnly: true })).toEqual([
      'Listening on (web client not built; run npm run build:web):',
      '  https://10.0.0.2:4747/  (eth0)',
      '  https://[::1]:4747/  (lo, this machine only)',
    ]);
  });
});
