#!/usr/bin/env node
// The headless host: the same HostServer as the desktop app, for an always-on LAN box.
import { existsSync, readFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BEACON_PORT,
  chooseInterfaces,
  createInvite,
  rankInterfaces,
  startDiscoveryForHost,
  type HostDiscovery,
} from '../discovery/index.ts';
import { parseCliArgs, USAGE, UsageError, type CliConfig } from './cli-args.ts';
import { FeedService } from '../feeds/index.ts';
import { HostServer, listeningAddresses, loadOrCreateAdminSecret, type AdminSecret } from '../host/index.ts';
import type { Logger } from '../logger.ts';
import { loadOrCreateCertificate, readableFingerprint, TLS_FOLDER } from '../tls/index.ts';
import { browserUrlLines } from './browser-urls.ts';
import { attachOperatorConsole } from './operator-console.ts';

const logger: Logger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(`warning: ${m}`),
  error: (m) => console.error(`error: ${m}`),
};

function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'tincan-host');
}

/** The built web client, from the source tree (src/main/host) or from the bundle (out/main). */
function defaultWebRoot(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../../out/web'), resolve(here, '../web')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

function readPassword(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read password file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  const password = text.split(/\r?\n/)[0] ?? '';
  if (password.length === 0) throw new UsageError(`password file ${file} is empty`);
  return password;
}

interface Started {
  host: HostServer;
  feeds: FeedService;
  discovery: HostDiscovery | undefined;
}

async function start(config: CliConfig): Promise<Started> {
  const passwords = new Map([...config.passwordFiles].map(([room, file]) => [room, readPassword(file)]));
  // Check the adapters named before anything starts: a typo should not leave the host unannounced.
  try {
    if (config.discovery) chooseInterfaces(rankInterfaces(), config.announceInterfaces);
  } catch (error) {
    throw new UsageError(`--announce-interface: ${(error as Error).message}`);
  }
  const dataDir = resolve(config.dataDir ?? defaultDataDir());
  // Every host has its certificate, TLS or not: its id is its key's hash and its adverts are signed with it.
  const certificate = await loadOrCreateCertificate(dataDir, config.name ?? hostname());
  const keys = { key: certificate.key, cert: certificate.cert };
  const admin = loadOrCreateAdminSecret(dataDir);
  const host = new HostServer({
    certificate: keys,
    ...(config.tls ? { tls: { ...keys, alsoPlain: !config.tlsOnly } } : {}),
    adminSecret: admin.secret,
    port: config.port,
    dataDir,
    durability: config.durability,
    webRoot: config.webRoot ? resolve(config.webRoot) : defaultWebRoot(),
    allowedOrigins: config.allowedOrigins,
    limits: config.limits,
    ...(config.bind ? { bind: config.bind } : {}),
    ...(config.name ? { hostName: config.name } : {}),
    logger,
  });
  const wanted = new Set([
    ...config.rooms,
    ...passwords.keys(),
    ...config.feeds.map((f) => f.room),
    ...(config.metricsRoom ? [config.metricsRoom] : []),
  ]);
  if (wanted.size === 0 && host.rooms().length === 0) wanted.add('general');
  for (const room of wanted) await host.createRoom(room, { password: passwords.get(room) });
  for (const room of host.roomsAwaitingPassword()) {
    console.warn(
      `Room ${room} is locked by a password from an older version, which cannot be checked any more: ` +
        `give it again with --password-file ${room}=FILE so members can join.`,
    );
  }
  await host.listen();
  const feeds = startFeeds(host, config);

  const { bind } = host.options;
  console.log(`Tincan host "${host.identity.name}" — data in ${dataDir}`);
  console.log(
    `Rooms: ${host
      .rooms()
      .map((r) => (r.locked ? `${r.name} (password)` : r.name))
      .join(', ')}`,
  );
  const urls = browserUrlLines({
    addresses: listeningAddresses(bind),
    port: host.port,
    tls: config.tls,
    tlsOnly: config.tlsOnly,
    webClient: Boolean(host.options.webRoot),
  });
  for (const line of urls) console.log(line);
  console.log(`WebSocket endpoint: /ws  ·  Ctrl+C stops the host  ·  type help for operator commands`);
  printAdminAccess(admin);
  console.log(`Host id ${host.identity.id} (its key's hash; kept in ${join(dataDir, TLS_FOLDER)})`);
  if (config.tls) {
    const mode = config.tlsOnly
      ? 'TLS only; browsers warn about the self-signed certificate'
      : 'wss:// for the desktop app, which pins it; plain http:// kept for browser guests';
    console.log(`TLS: on (${mode}). Certificate SHA-256 fingerprint, for people to compare:`);
    console.log(`  ${readableFingerprint(certificate.fingerprint)}`);
  } else {
    console.log('TLS: off (--tls turns it on)');
  }
  const discovery = config.discovery ? await announce(host, config) : undefined;
  if (!config.discovery) console.log('Discovery: off (--no-discovery); join by typing an address above');
  printInvites(host);
  return { host, feeds, discovery };
}

/**
 * Where the admin secret is. It is printed only to a terminal (the operator's): output that goes to
 * a file or a service manager's journal gets the path instead, so the secret does not end up in logs.
 */
function printAdminAccess(admin: AdminSecret): void {
  const where = `/admin (page) and /admin/api/ (Authorization: Bearer <secret>)`;
  if (process.stdout.isTTY) console.log(`Admin: ${where}; secret ${admin.secret}  (kept in ${admin.path})`);
  else console.log(`Admin: ${where}; the secret is in ${admin.path} (printed only to a terminal)`);
}

/** Attach --feed commands and --metrics to their rooms, and say what runs where. */
function startFeeds(host: HostServer, config: CliConfig): FeedService {
  const feeds = new FeedService({
    hub: host.hub,
    hostName: host.identity.name,
    connections: () => host.connectionCount,
    logger,
  });
  for (const spec of config.feeds) {
    const stdin = config.feedStdin.get(spec.room);
    const feed = feeds.addCommand(spec.room, spec.command, {
      ...(stdin ? { stdin: stdin.policy, allowed: stdin.allowed } : {}),
    });
    console.log(`Feed ${feed.name} → ${spec.room}: ${JSON.stringify(spec.command)} (stdin: ${feed.stdin})`);
  }
  if (config.metricsRoom) {
    feeds.enableMetrics(config.metricsRoom);
    console.log(`Feed host-metrics → ${config.metricsRoom}`);
  }
  return feeds;
}

/** Announce on the LAN; a failure here is reported, never fatal: people can still type the address. */
async function announce(host: HostServer, config: CliConfig): Promise<HostDiscovery | undefined> {
  let discovery: HostDiscovery;
  try {
    discovery = await startDiscoveryForHost(host, { interfaces: config.announceInterfaces, logger });
  } catch (error) {
    logger.warn(`discovery did not start: ${(error as Error).message}`);
    return undefined;
  }
  if (discovery.targets.length === 0) {
    console.log(`Discovery: not announcing — ${discovery.note}`);
  } else {
    const where = discovery.targets.map((t) => `${t.name} (${t.address})`).join(', ');
    console.log(`Discovery: announcing on ${where} — mDNS _tincan._tcp, broadcast beacon on UDP ${BEACON_PORT}`);
  }
  return discovery;
}

/**
 * Invite links for the open rooms. A password room's link carries a join token that admits anyone
 * holding it, so it is printed only when asked for (`invite ROOM` in the console): a start's output
 * often ends up in logs.
 */
function printInvites(host: HostServer): void {
  const lines: string[] = [];
  for (const room of host.rooms()) {
    if (room.locked) {
      lines.push(`  ${room.name}: password room; type "invite ${room.name}" for a link with a join token`);
      continue;
    }
    try {
      lines.push(`  ${room.name}: ${createInvite(host, { room: room.name }).url}`);
    } catch {
      return; // no LAN address: nothing to invite to
    }
  }
  if (lines.length > 0) console.log(`Invite links:\n${lines.join('\n')}`);
}

async function main(): Promise<void> {
  let config: CliConfig;
  try {
    config = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`tincan-host: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (config.help) {
    process.stdout.write(USAGE);
    return;
  }
  let host: HostServer;
  let feeds: FeedService;
  let discovery: HostDiscovery | undefined;
  try {
    ({ host, feeds, discovery } = await start(config));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const reason =
      e instanceof UsageError || e instanceof TypeError
        ? e.message
        : e.code === 'EADDRINUSE'
          ? `port ${config.port} is already in use; pick another with --port`
          : e.code === 'EACCES'
            ? `not allowed to listen on port ${config.port}; use a port above 1023`
            : (e.message ?? String(e));
    process.stderr.write(`tincan-host: ${reason}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write('tincan-host: forced exit\n');
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: closing connections and storage…`);
    // Goodbyes first (mDNS TTL 0, a `bye` beacon), so joiners drop the host at once.
    Promise.resolve(discovery?.stop())
      .catch(() => {})
      .then(() => feeds.close()) // their last lines are stored before storage closes
      .then(() => host.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`tincan-host: shutdown failed: ${String(error)}\n`);
          process.exit(1);
        },
      );
  };
  const consoleHost = {
    rooms: () => host.rooms(),
    announce: (...args: Parameters<HostServer['announce']>) => host.announce(...args),
    revokeJoinToken: (token: string) => host.revokeJoinToken(token),
    invite: (room: string) => createInvite(host, { room }),
    moderation: host.moderation,
  };
  attachOperatorConsole(consoleHost, process.stdin, process.stdout, feeds);
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
