import { hostname } from 'node:os';
import { z } from 'zod';
import { DEFAULT_LIMITS, MAX_PAGE_SIZE, roomName, type Limits } from '../../shared/protocol/index.ts';
import { SCRAM_MIN_ITERATIONS } from '../../shared/scram.ts';
import { silentLogger, type Logger } from '../logger.ts';
import type { Durability } from '../store/index.ts';

export interface HostOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Address to bind. Default '::' (every interface, IPv4 and IPv6). */
  bind?: string;
  /** Folder for the database; null keeps everything in memory (tests, benchmarks). Default null. */
  dataDir?: string | null;
  /** Disk sync on every commit ('full', default) or only at checkpoints ('normal'). */
  durability?: Durability;
  /** Name shown to clients. Default: this machine's hostname. */
  hostName?: string;
  /** Folder with the built web client, served over HTTP when set and present. Default null. */
  webRoot?: string | null;
  /** Browser origins allowed to open a WebSocket besides the host's own (e.g. the desktop app's). */
  allowedOrigins?: string[];
  /** Host names served besides IP literals, localhost, this machine's name and *.local. */
  allowedHosts?: string[];
  /** Overrides for any of DEFAULT_LIMITS. */
  limits?: Partial<Limits>;
  /**
   * Serve HTTP and WebSocket over TLS with this key and certificate (PEM). Default null: plain. With
   * `alsoPlain`, the same port also answers plain HTTP (see host-listener.ts). The certificate is then
   * the host's identity too (and must be the same as `certificate` when both are given).
   */
  tls?: { key: string; cert: string; alsoPlain?: boolean } | null;
  /**
   * The host's key and certificate (PEM), with or without TLS: the host id is the hash of its public key
   * (tls/host-identity.ts) and its adverts are signed with it. Default: `tls`'s; without either the host
   * has no verifiable identity (tests, benchmarks), keeps a random id in its database and cannot be announced.
   */
  certificate?: { key: string; cert: string } | null;
  /**
   * The secret of the admin API (`/admin/api/`, moderation): callers send it as a Bearer token.
   * Default null: the admin API is off. The headless host passes the one in its data folder.
   */
  adminSecret?: string | null;
  /** Current time in ms; tests pass a fake. */
  clock?: () => number;
  logger?: Logger;
}

export interface ResolvedHostOptions {
  port: number;
  bind: string;
  dataDir: string | null;
  durability: Durability;
  hostName: string;
  webRoot: string | null;
  allowedOrigins: string[];
  allowedHosts: string[];
  limits: Limits;
  tls: { key: string; cert: string; alsoPlain?: boolean } | null;
  certificate: { key: string; cert: string } | null;
  adminSecret: string | null;
  clock: () => number;
  logger: Logger;
}

/**
 * Longest delay a Node timer takes (2^31 − 1 ms, about 24.8 days). A longer one fires after 1 ms
 * instead, so a heartbeat or hello timeout past it would drop every connection at once.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** The limits the host arms timers with. */
export const TIMER_LIMITS: readonly (keyof Limits)[] = [
  'headersTimeoutMs',
  'helloTimeoutMs',
  'heartbeatIntervalMs',
  'challengeTimeoutMs',
];

// Every limit is a count, a size or a time in ms: whole numbers. Only the rate may be fractional (0.5/s).
const count = z.int().positive();
const limitsSchema = z.strictObject(
  Object.fromEntries(
    Object.keys(DEFAULT_LIMITS).map((key) => [
      key,
      (key === 'ratePerSecond'
        ? z.number().positive().finite()
        : key === 'scramIterations'
          ? count.min(SCRAM_MIN_ITERATIONS, `must be at least ${SCRAM_MIN_ITERATIONS} (RFC 7677)`)
          : TIMER_LIMITS.includes(key as keyof Limits)
            ? count.max(MAX_TIMER_MS, `must be at most ${MAX_TIMER_MS} ms (the longest timer Node keeps)`)
            : key === 'historyPageSize'
              ? // Sent in welcome for clients to use as a history `limit`, which may be at most MAX_PAGE_SIZE.
                count.max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE} (MAX_PAGE_SIZE)`)
              : count
      ).optional(),
    ]),
  ) as Record<keyof Limits, z.ZodOptional<z.ZodNumber>>,
);

const optionsSchema = z.object({
  port: z.int().min(0).max(65535).default(0),
  bind: z.string().min(1).default('::'),
  dataDir: z.string().min(1).nullable().default(null),
  durability: z.enum(['full', 'normal']).default('full'),
  // Shown to members, posted as the operator's nickname and advertised: the rules of room names.
  hostName: roomName.optional(),
  webRoot: z.string().min(1).nullable().default(null),
  allowedOrigins: z.array(z.string().min(1)).default([]),
  allowedHosts: z.array(z.string().min(1)).default([]),
  limits: limitsSchema.default({}),
  adminSecret: z.string().min(22).max(512).nullable().default(null),
});

/** Merge options over the defaults once, and fail up front with a message naming the bad option. */
export function resolveHostOptions(options: HostOptions = {}): ResolvedHostOptions {
  const { clock, logger, tls, certificate, ...plain } = options;
  if (tls && certificate && (tls.cert !== certificate.cert || tls.key !== certificate.key)) {
    throw new TypeError('invalid host option certificate: it must be the TLS certificate when both are given');
  }
  const parsed = optionsSchema.safeParse(plain);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TypeError(`invalid host option ${issue.path.join('.') || '(options)'}: ${issue.message}`);
  }
  const o = parsed.data;
  return {
    ...o,
    hostName: o.hostName ?? hostname(),
    limits: { ...DEFAULT_LIMITS, ...o.limits } as Limits,
    tls: tls ?? null,
    certificate: certificate ?? (tls ? { key: tls.key, cert: tls.cert } : null),
    clock: clock ?? Date.now,
    logger: logger ?? silentLogger,
  };
}
