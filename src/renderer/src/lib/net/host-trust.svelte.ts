import type { TincanBridge } from '../../../../shared/bridge.ts';
import { formatHostAddress, type HostAddress } from '../../../../shared/host-address.ts';
import type { CertificatePin, CertificateRefused, Settings } from '../../../../shared/ipc.ts';

/** What an advert or invite said about a host's certificate. */
export interface KnownCertificate {
  fingerprint: string;
  hostId?: string;
  /** The host's port speaks TLS. */
  tls: boolean;
  /** The advert claimed another host's id: ask before trusting it. */
  claimedId?: string;
}

/** A certificate the person is asked to trust: a first join by address, or one that changed. */
export interface TrustQuestion {
  address: HostAddress;
  key: string;
  fingerprint: string;
  hostId: string;
  kind: 'new' | 'changed' | 'posing';
  /** The pinned fingerprint, when it changed. */
  pinned?: string;
}

/** A pinned host that presented another certificate: its connection was stopped. */
export interface RefusedHost extends CertificateRefused {
  /** The host:port keys of the connections stopped. */
  keys: string[];
}

/**
 * Which hosts the desktop app joins over pinned wss://, and the questions that decides (main checks
 * the certificates; this only chooses and asks):
 * - a pinned host:port: wss://, always — the session refuses any other certificate;
 * - a host an advert or invite names with its fingerprint: pinned then, wss://;
 * - an address typed by hand: main reads the certificate and the person compares it first (trust on
 *   first use); a changed one is asked about again, loudly, never taken silently;
 * - a host that speaks no TLS: plain ws://. (The desktop's own host, from its host panel, is joined
 *   over loopback with `AppState.connect`, without any of this.)
 * In a browser there is no bridge: the page's own scheme decides (https: → wss:).
 */
export class HostTrust {
  question = $state.raw<TrustQuestion | null>(null);
  /** Pinned hosts that presented another certificate, newest first. */
  refused = $state.raw<RefusedHost[]>([]);
  /** Why the last trust decision failed, in the host's or main's words. */
  error = $state<string | null>(null);
  readonly #bridge: TincanBridge | undefined;
  readonly #pins: () => readonly CertificatePin[];
  readonly #saved: (settings: Settings) => void;
  #answer: ((trusted: boolean) => void) | null = null;

  /** `pins`: the pins now (from the settings); `saved`: the settings after main stored a new pin. */
  constructor(
    bridge: TincanBridge | undefined,
    pins: () => readonly CertificatePin[],
    saved: (settings: Settings) => void,
  ) {
    this.#bridge = bridge;
    this.#pins = pins;
    this.#saved = saved;
  }

  /** Whether to join `address` over wss:// (true), ws:// (false), or not at all (null: the person declined). */
  async secureFor(address: HostAddress, known?: KnownCertificate): Promise<boolean | null> {
    const bridge = this.#bridge;
    if (!bridge) return globalThis.location?.protocol === 'https:';
    const key = formatHostAddress(address);
    if (this.#pins().some((p) => p.address === key)) return true;
    if (known && !known.tls) return false;
    if (known && !known.claimedId) {
      this.#saved(
        await bridge.trustHost({
          address: key,
          fingerprint: known.fingerprint,
          ...(known.hostId ? { hostId: known.hostId } : {}),
        }),
      );
      return true;
    }
    let probe;
    try {
      probe = await bridge.probeHost({ address: key });
    } catch {
      return false; // unreachable now: the connection shows that, and a later join asks again
    }
    if (!probe.tls) return false;
    if (probe.pin === 'same') return true;
    const kind = known?.claimedId ? 'posing' : probe.pin;
    return this.#ask({
      address,
      key,
      fingerprint: probe.fingerprint,
      hostId: probe.hostId,
      kind,
      ...(probe.pinned ? { pinned: probe.pinned } : {}),
    });
  }

  /** The person's answer to the open question. */
  answer(trusted: boolean): void {
    const answer = this.#answer;
    this.#answer = null;
    this.question = null;
    answer?.(trusted);
  }

  /** Main refused a certificate; `keys` are the connections that were stopped because of it. */
  noteRefused(refused: CertificateRefused, keys: string[]): void {
    const others = this.refused.filter((r) => r.hostname !== refused.hostname);
    this.refused = [{ ...refused, keys }, ...others];
  }

  /** Ask again about a refused host's certificate (compare, then trust or not). True once trusted. */
  async recheck(address: HostAddress): Promise<boolean> {
    const bridge = this.#bridge;
    if (!bridge) return false;
    const key = formatHostAddress(address);
    try {
      const probe = await bridge.probeHost({ address: key });
      if (!probe.tls) {
        this.error = 'tls-gone';
        return false;
      }
      if (probe.pin === 'same') {
        this.dismiss(address.hostname); // the pinned certificate is back
        return true;
      }
      const trusted = await this.#ask({
        address,
        key,
        fingerprint: probe.fingerprint,
        hostId: probe.hostId,
        kind: probe.pin,
        ...(probe.pinned ? { pinned: probe.pinned } : {}),
      });
      if (trusted) this.refused = this.refused.filter((r) => r.hostname !== address.hostname);
      return trusted === true;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      return false;
    }
  }

  dismiss(hostname: string): void {
    this.refused = this.refused.filter((r) => r.hostname !== hostname);
  }

  async #ask(question: TrustQuestion): Promise<boolean | null> {
    this.answer(false); // one question at a time: a new one declines the old
    this.question = question;
    const trusted = await new Promise<boolean>((resolve) => (this.#answer = resolve));
    if (!trusted) return null;
    this.#saved(
      await this.#bridge!.trustHost({
        address: question.key,
        fingerprint: question.fingerprint,
        hostId: question.hostId,
      }),
    );
    return true;
  }
}
