import { formatHostAddress, parseHostAddress } from '../../shared/host-address.ts';
import { MAX_PINS, type CertificatePin, type Settings } from '../../shared/ipc.ts';
import { fingerprintOf, hostIdOf } from '../tls/index.ts';

/** Where pins are kept: the app's settings (SettingsStore has both). */
export interface PinStorage {
  get(): Settings;
  setPins(pins: CertificatePin[]): Promise<Settings>;
}

/** What a certificate is to the pins of a host name. */
export type PinVerdict =
  /** It is pinned for this host name (and, when the pin names one, its key is the host id's). */
  | { verdict: 'pinned' }
  /** Something else is pinned for this host name: refuse it, loudly. */
  | { verdict: 'mismatch'; presented: string; pinned: string[] }
  /** Nothing is pinned for this host name: not ours to decide. */
  | { verdict: 'unpinned' };

/** What is pinned for `host:port` compared with a fingerprint seen there. */
export type PinCheck = { pin: 'new' } | { pin: 'same' } | { pin: 'changed'; pinned: string };

const key = (address: string) => {
  const parsed = parseHostAddress(address);
  if (!parsed) throw new TypeError(`not a host address: ${JSON.stringify(address)}`);
  return formatHostAddress(parsed);
};

const hostnameOf = (address: string) => parseHostAddress(address)?.hostname ?? '';

/**
 * The desktop app's certificate pins: for each `host:port` the one certificate (by SHA-256) the app
 * accepts there, and the host id its key must hash to when that was known. Decisions only, in plain
 * Node; certificate-pinning.ts applies them to Electron's session.
 *
 * Chromium's certificate check is told the host name but not the port, so a certificate is accepted
 * for a host name when it is pinned for any port of that name, and refused when other certificates
 * are pinned there and this one is not.
 */
export class PinStore {
  readonly #storage: PinStorage;
  readonly #clock: () => number;

  constructor(storage: PinStorage, clock: () => number = Date.now) {
    this.#storage = storage;
    this.#clock = clock;
  }

  list(): CertificatePin[] {
    return this.#storage.get().pins;
  }

  /** Compare a fingerprint seen at `address` with its pin. */
  check(address: string, fingerprint: string): PinCheck {
    const pin = this.list().find((p) => p.address === key(address));
    if (!pin) return { pin: 'new' };
    return pin.fingerprint === fingerprint ? { pin: 'same' } : { pin: 'changed', pinned: pin.fingerprint };
  }

  /**
   * Pin `fingerprint` (and the host id, when known) for `address`, replacing what was pinned there. The
   * oldest pins go when there are MAX_PINS.
   */
  async trust(address: string, fingerprint: string, hostId?: string): Promise<Settings> {
    const at = key(address);
    const others = this.list().filter((p) => p.address !== at);
    const pin: CertificatePin = {
      address: at,
      fingerprint,
      since: Math.floor(this.#clock()),
      ...(hostId ? { hostId } : {}),
    };
    return this.#storage.setPins([...others, pin].slice(-MAX_PINS));
  }

  async forget(address: string): Promise<Settings> {
    const at = key(address);
    return this.#storage.setPins(this.list().filter((p) => p.address !== at));
  }

  /** Whether any address of this host name (any port) has a pin. */
  pinnedHost(hostname: string): boolean {
    const name = hostname.toLowerCase();
    return this.list().some((p) => hostnameOf(p.address) === name);
  }

  /** The verdict on a certificate (PEM) presented by `hostname`. A certificate that cannot be read is a mismatch. */
  verify(hostname: string, certPem: string): PinVerdict {
    const name = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const pins = this.list().filter((p) => hostnameOf(p.address) === name);
    if (pins.length === 0) return { verdict: 'unpinned' };
    let presented: string;
    let id: string;
    try {
      presented = fingerprintOf(certPem);
      id = hostIdOf(certPem);
    } catch {
      return { verdict: 'mismatch', presented: '0'.repeat(64), pinned: pins.map((p) => p.fingerprint) };
    }
    const match = pins.some((p) => p.fingerprint === presented && (p.hostId === undefined || p.hostId === id));
    return match ? { verdict: 'pinned' } : { verdict: 'mismatch', presented, pinned: pins.map((p) => p.fingerprint) };
  }
}
