import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  advertOfBeacon,
  BEACON_PORT,
  BEACON_VERSION,
  beaconSchema,
  decodeBeacon,
  encodeTxt,
  MAX_BEACON_BYTES,
  TXT_VERSION,
} from '../../src/main/discovery/advert.ts';
import { MAX_REMEMBERED_HOSTS } from '../../src/main/discovery/broadcast-fallback.ts';
import { HOST_ID_LENGTH, hostIdOfKey } from '../../src/main/tls/index.ts';
import { parseInvite } from '../../src/shared/invite.ts';
import { advertFor, testIdentity } from '../helpers/identity.ts';

/** docs/protocol.md §2.3–2.4 (TLS, host identity, adverts, invite links) against the code. */
const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
const tls = doc.slice(doc.indexOf('### 2.3 TLS on the port'), doc.indexOf('### 2.4 Host identity'));
const identity = doc.slice(doc.indexOf('### 2.4 Host identity'), doc.indexOf('## 3. Connection lifecycle'));
/** The text with line breaks as spaces, for phrases that wrap. */
const flat = identity.replace(/\s+/g, ' ');
const tableKeys = (after: string) => {
  const rows = identity
    .slice(identity.indexOf(after))
    .split('\n\n')
    .find((block) => block.startsWith('|'))!;
  return rows
    .split('\n')
    .slice(2)
    .map((row) => /^\| `([^`]+)`/.exec(row)?.[1]);
};

describe('docs/protocol.md: TLS, host identity and adverts', () => {
  it("shows a real signed beacon: it verifies, and its id is its key's hash as the text says", () => {
    const example = /```text\n(\{"t":"tincan-beacon".*\})\n```/.exec(identity)?.[1];
    expect(example).toBeDefined();
    const decoded = decodeBeacon(Buffer.from(example!));
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.beacon.v).toBe(BEACON_VERSION);
    expect(hostIdOfKey(decoded.beacon.key)).toBe(decoded.beacon.id);
    expect(advertOfBeacon(decoded.beacon).claimedId).toBeUndefined();
    expect(flat).toContain(`first **${HOST_ID_LENGTH}** characters`);
    expect(identity).toContain(`e.g. ${decoded.beacon.id}`);
    // One byte changed and the signature no longer holds, as the text says.
    expect(decodeBeacon(Buffer.from(example!.replace('"port":4747', '"port":4748')))).toMatchObject({ ok: false });
  });

  it('lists every beacon field, in the order they are sent, and its limits', () => {
    expect(tableKeys('| Field')).toEqual(Object.keys(beaconSchema.shape));
    expect(identity).toContain(`UDP port **${BEACON_PORT}**`);
    expect(flat).toContain(`at most **${MAX_BEACON_BYTES} bytes**`);
    expect(identity).toContain(`version **${BEACON_VERSION}**`);
    expect(flat).toContain(`the last ${MAX_REMEMBERED_HOSTS} hosts are remembered`);
  });

  it('lists every TXT key the host writes', async () => {
    const host = await testIdentity();
    const written = Object.keys(encodeTxt(advertFor(host, { rooms: ['r'.repeat(300)], roomsTruncated: true })));
    expect(new Set(tableKeys('| Key'))).toEqual(new Set(written));
    expect(identity).toContain(`\`txtvers=${TXT_VERSION}\``);
  });

  it('documents the invite link with its fingerprint, and the example is one', () => {
    const example = /```text\n(http:\/\/\S+#\/join\?\S+)\n```/.exec(identity)?.[1];
    const invite = parseInvite(example!.replace('…', ''));
    expect(invite).toMatchObject({ room: 'ops', name: 'lanbox', fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(tableKeys('| Parameter')).toEqual(['room', 'hosts', 'name', 'token', 'fp']);
  });

  it('says how the shared port tells TLS from plain HTTP, and what a pinned client must do', () => {
    expect(tls).toContain('`0x16`');
    expect(tls).toMatch(/MUST connect with `wss:\/\/`/);
    expect(tls).toContain('--tls-only');
  });
});
