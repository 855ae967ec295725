import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { parseHostAddress } from '../../shared/host-address.ts';
import type { DiagnosticsReport, LanInterfaceInfo } from '../../shared/ipc.ts';
import { rankInterfaces, runDiagnostics, type LanInterface, type RunDiagnosticsOptions } from '../discovery/index.ts';
import { cutUnits } from '../../shared/cut-text.ts';

// The limits of the `lanInterface` schema (src/shared/ipc.ts).
const MAX_INTERFACE_NAME = 64;
const MAX_KIND = 32;
const MAX_REASON = 500;
const MAX_ADDRESS = 64;

/** `text` within `max` UTF-16 units, with an ellipsis when cut. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${cutUnits(text, max - 1)}\u2026`;
}

/**
 * The machine's adapters for the "announce on" chooser (the `lanInterface` schema), best first, as
 * `rankInterfaces` orders them. An adapter whose name is too long for the `announceInterfaces` setting
 * could not be chosen, so it is left out.
 */
export function lanInterfaces(ranked: LanInterface[] = rankInterfaces()): LanInterfaceInfo[] {
  return ranked
    .filter((i) => i.name.length >= 1 && i.name.length <= MAX_INTERFACE_NAME)
    .map((i) => ({
      name: i.name,
      kind: cut(i.kind, MAX_KIND),
      reason: cut(i.reason, MAX_REASON),
      addresses: i.addresses.map((a) => a.address).filter((a) => a.length <= MAX_ADDRESS),
      recommended: i.recommended,
    }));
}

/** How long resolving a host name for the diagnostics may take (ms). */
export const LOOKUP_TIMEOUT_MS = 3000;

/** The first address of a host name, or the name itself when it does not resolve in time (the reach check then says why). */
async function resolveName(hostname: string, lookup: (name: string) => Promise<string>): Promise<string> {
  if (isIP(hostname)) return hostname;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(hostname), LOOKUP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([lookup(hostname).catch(() => hostname), late]);
  } finally {
    clearTimeout(timer);
  }
}

const lookupAddress = async (name: string) => (await dnsLookup(name)).address;

export interface DiagnosticsRequest {
  /** `host:port` as a person typed it (src/shared/host-address.ts); absent: only the discovery checks. */
  address?: string | undefined;
  /** Hosts whose beacons do not count (this app's own). */
  ignoreIds?: readonly string[];
}

export interface DiagnosticsReportOptions {
  /** Default `runDiagnostics` (multicast on the recommended adapters for 3 s, beacons for 4.5 s, reach and route). */
  run?: (options: RunDiagnosticsOptions) => ReturnType<typeof runDiagnostics>;
  /** Passed on to `run`: adapters, listening time, beacon port (tests keep them on loopback). */
  options?: Omit<RunDiagnosticsOptions, 'target' | 'ignoreIds'>;
  /** Host name → address. Default the OS resolver (`dns.lookup`). */
  lookup?: (hostname: string) => Promise<string>;
}

/**
 * "Can't see a host?": runs the diagnostics (with a reach and route check of `address` when given; a
 * host name is resolved first so the route check has an IP) and reads them as the `diagnosticsReport`
 * schema: the verdict and headline, one entry per check (multicast per adapter, broadcast, route,
 * reach), and the advice. Throws a TypeError when `address` is not `host:port`.
 */
export async function diagnosticsReport(
  request: DiagnosticsRequest,
  options: DiagnosticsReportOptions = {},
): Promise<DiagnosticsReport> {
  let target: RunDiagnosticsOptions['target'];
  if (request.address !== undefined) {
    const parsed = parseHostAddress(request.address);
    if (!parsed) throw new TypeError(`${JSON.stringify(request.address)} is not a host address (host:port)`);
    target = { address: await resolveName(parsed.hostname, options.lookup ?? lookupAddress), port: parsed.port };
  }
  const run = options.run ?? runDiagnostics;
  const result = await run({
    ...options.options,
    ...(target ? { target } : {}),
    ...(request.ignoreIds ? { ignoreIds: request.ignoreIds } : {}),
  });
  const checks = [
    ...(result.multicast ?? []),
    ...(result.broadcast ? [result.broadcast] : []),
    ...(result.route ?? []),
    ...(result.reach ?? []),
  ].map(({ check, status, summary }) => ({ check, status, summary }));
  const { verdict, headline, advice } = result.diagnosis;
  // The findings that are not one check's summary are the reasoning (e.g. "alpha announces over mDNS,
  // yet nothing of it arrives here"): the evidence for the verdict.
  const summaries = new Set(checks.map((c) => c.summary));
  const evidence = result.diagnosis.findings.filter((f) => !summaries.has(f));
  return { verdict, headline, checks, evidence, advice: [...advice] };
}
