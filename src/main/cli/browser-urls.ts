import { httpUrl, type LanAddress } from '../host/index.ts';

export interface BrowserUrlOptions {
  /** Where the host listens (listeningAddresses of its bind address). */
  addresses: readonly LanAddress[];
  port: number;
  /** The port speaks TLS (--tls or --tls-only). */
  tls: boolean;
  /** ... and nothing else (--tls-only). */
  tlsOnly: boolean;
  /** The web client is built; otherwise the URLs serve only the WebSocket endpoint. */
  webClient: boolean;
}

/**
 * The start-up lines that say where to open the host: a heading, then one line per address with
 * every scheme its port answers. With --tls the one port answers both: http:// for guests who just
 * join, https:// for those who first compare the certificate with the fingerprint printed below
 * (README, "Browser guests checking the fingerprint").
 */
export function browserUrlLines(options: BrowserUrlOptions): string[] {
  const { port, tls, tlsOnly } = options;
  const both = tls && !tlsOnly;
  const place = options.webClient
    ? 'Open in a browser on the LAN'
    : 'Listening on (web client not built; run npm run build:web)';
  const lines = [both ? `${place} (https:// to compare the certificate with the fingerprint below):` : `${place}:`];
  for (const a of options.addresses) {
    const urls = both
      ? [httpUrl(a.address, port), httpUrl(a.address, port, true)]
      : [httpUrl(a.address, port, tlsOnly)];
    const where = a.interface ? `  (${a.interface}${a.internal ? ', this machine only' : ''})` : '';
    lines.push(`  ${urls.join('  ')}${where}`);
  }
  return lines;
}
