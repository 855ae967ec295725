import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_LIMITS, roomName, type FeedStdinPolicy, type Limits } from '../../shared/protocol/index.ts';
import { CommandLineError, parseFeedSpec, type FeedSpec } from '../feeds/index.ts';
import { resolveHostOptions } from '../host/index.ts';

export const DEFAULT_PORT = 4747;

export const USAGE = `Usage: tincan-host [options]

Runs a Tincan host without the desktop app: rooms, history and the web client on one port.

Options:
  --port P                 TCP port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --data DIR               folder for the database (default ~/.local/share/tincan-host)
  --room NAME              create this room if it does not exist (repeatable; default "general"
                           when the host has no rooms yet)
  --password-file NAME=F   protect room NAME with the password in file F (first line)
  --bind ADDR              IP address to bind (default :: — every interface)
  --name NAME              host name shown to clients (default: this machine's name; the rules
                           of room names: 1-64 characters, visible, no spaces at either end)
  --web DIR                folder of the built web client to serve (default: out/web when built)
  --allow-origin ORIGIN    also accept WebSockets from this browser origin (repeatable)
  --durability MODE        full (fsync every commit, default) or normal
  --limit NAME=VALUE       override one limit (repeatable), e.g. --limit ratePerSecond=50;
                           names and defaults are listed in docs/protocol.md
  --announce-interface IF  announce the host on network adapter IF (repeatable; default: every
                           wired/Wi-Fi adapter, never VPN, container or loopback ones)
  --no-discovery           do not announce the host on the LAN (mDNS and broadcast beacon)
  --tls                    speak TLS (https:// and wss://) with the host's self-signed certificate
                           (kept in the data folder; its SHA-256 fingerprint is printed at start).
                           The same port still answers plain http:// for browser guests
  --tls-only               like --tls, but the port speaks nothing but TLS (browsers then warn
                           about the self-signed certificate; invite links are https://)
  --feed ROOM=COMMAND      run COMMAND and stream its output into ROOM (repeatable; the room is
                           created). COMMAND is split into words like a shell would (quotes and
                           backslashes honoured) and run WITHOUT a shell: ; | & $ ( ) \` * stay literal
  --feed-stdin ROOM=WHO    who may type into the feeds of ROOM: nobody (default), everyone, or
                           device tags separated by commas (a member's tag is in its messages)
  --metrics ROOM           post the host's CPU, memory, network, connections and messages/s to
                           ROOM every second, as the feed host-metrics
  -h, --help               show this help
`;

export interface CliConfig {
  help: boolean;
  port: number;
  dataDir: string | undefined;
  rooms: string[];
  passwordFiles: Map<string, string>;
  bind: string | undefined;
  name: string | undefined;
  webRoot: string | undefined;
  allowedOrigins: string[];
  durability: 'full' | 'normal';
  limits: Partial<Limits>;
  /** Announce on the LAN (mDNS + broadcast beacon); false with --no-discovery. */
  discovery: boolean;
  /** Speak TLS with the host's certificate (created in the data folder on first use). */
  tls: boolean;
  /** With tls: refuse plain HTTP on the port instead of answering it too. */
  tlsOnly: boolean;
  announceInterfaces: string[];
  feeds: FeedSpec[];
  /** Who may type into the feeds of each room (rooms not named: nobody). */
  feedStdin: Map<string, { policy: FeedStdinPolicy; allowed: string[] }>;
  /** Room for the host-metrics feed, if any. */
  metricsRoom: string | undefined;
}

/** A bad flag: the message is for people, printed above the usage. */
export class UsageError extends Error {}

/** Parse and check the command line. Throws UsageError with a one-line reason. */
export function parseCliArgs(argv: string[]): CliConfig {
  let values;
  let tokens;
  try {
    ({ values, tokens } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      tokens: true,
      options: {
        port: { type: 'string' },
        data: { type: 'string' },
        room: { type: 'string', multiple: true },
        'password-file': { type: 'string', multiple: true },
        bind: { type: 'string' },
        name: { type: 'string' },
        web: { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        durability: { type: 'string' },
        limit: { type: 'string', multiple: true },
        'announce-interface': { type: 'string', multiple: true },
        'no-discovery': { type: 'boolean' },
        tls: { type: 'boolean' },
        'tls-only': { type: 'boolean' },
        feed: { type: 'string', multiple: true },
        'feed-stdin': { type: 'string', multiple: true },
        metrics: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  checkSingleValues(tokens);
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!/^\d+$/.test(values.port ?? '0') || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a whole number from 0 to 65535, not ${JSON.stringify(values.port)}`);
  }
  const rooms = values.room ?? [];
  for (const name of rooms) checkRoom(name, '--room');
  const passwordFiles = new Map<string, string>();
  for (const entry of values['password-file'] ?? []) {
    const eq = entry.indexOf('=');
    if (eq <= 0 || eq === entry.length - 1)
      throw new UsageError(`--password-file wants NAME=FILE, not ${JSON.stringify(entry)}`);
    const name = entry.slice(0, eq);
    checkRoom(name, '--password-file');
    if (passwordFiles.has(name)) throw new UsageError(`--password-file names room ${JSON.stringify(name)} twice`);
    passwordFiles.set(name, entry.slice(eq + 1));
  }
  const durability = values.durability ?? 'full';
  if (durability !== 'full' && durability !== 'normal') {
    throw new UsageError(`--durability must be full or normal, not ${JSON.stringify(durability)}`);
  }
  for (const origin of values['allow-origin'] ?? []) {
    if (!/^[a-z][a-z0-9+.-]*:\/\/[^/\s]*$/i.test(origin)) {
      throw new UsageError(`--allow-origin wants an origin like http://host:port, not ${JSON.stringify(origin)}`);
    }
    // Origins are compared as browsers send them (lower case, no default port): any other spelling never matches.
    const sent = /^https?:/i.test(origin) && URL.canParse(origin) ? new URL(origin).origin : origin;
    if (sent !== origin) {
      throw new UsageError(
        `--allow-origin: browsers send ${JSON.stringify(origin)} as ${JSON.stringify(sent)}; give that`,
      );
    }
  }
  if (values['no-discovery'] && values['announce-interface']?.length) {
    throw new UsageError('--announce-interface and --no-discovery contradict each other; pick one');
  }
  const limits: Partial<Limits> = {};
  for (const entry of values.limit ?? []) {
    const [name, value, extra] = entry.split('=');
    if (!name || !Object.hasOwn(DEFAULT_LIMITS, name) || extra !== undefined) {
      throw new UsageError(
        `--limit wants NAME=VALUE with NAME one of ${Object.keys(DEFAULT_LIMITS).join(', ')}; got ${JSON.stringify(entry)}`,
      );
    }
    const number = Number(value);
    const whole = name !== 'ratePerSecond'; // counts, sizes and times; only the rate may be fractional
    if (!value || !Number.isFinite(number) || number <= 0 || (whole && !Number.isInteger(number))) {
      const kind = whole ? 'a positive whole number' : 'a positive number';
      throw new UsageError(`--limit ${name} must be ${kind}, not ${JSON.stringify(value ?? '')}`);
    }
    limits[name as keyof Limits] = number;
  }
  const feeds: FeedSpec[] = [];
  for (const entry of values.feed ?? []) {
    let spec: FeedSpec;
    try {
      spec = parseFeedSpec(entry);
    } catch (error) {
      if (error instanceof CommandLineError) throw new UsageError(`--feed: ${error.message}`);
      throw error;
    }
    checkRoom(spec.room, '--feed');
    feeds.push(spec);
  }
  const feedStdin = new Map<string, { policy: FeedStdinPolicy; allowed: string[] }>();
  for (const entry of values['feed-stdin'] ?? []) {
    const eq = entry.indexOf('=');
    const room = entry.slice(0, eq);
    const who = entry.slice(eq + 1);
    if (eq <= 0 || who === '') throw new UsageError(`--feed-stdin wants ROOM=WHO, not ${JSON.stringify(entry)}`);
    if (!feeds.some((f) => f.room === room))
      throw new UsageError(`--feed-stdin: room ${JSON.stringify(room)} has no --feed`);
    if (feedStdin.has(room)) throw new UsageError(`--feed-stdin names room ${JSON.stringify(room)} twice`);
    feedStdin.set(room, parseStdinPolicy(who));
  }
  if (values.metrics !== undefined) checkRoom(values.metrics, '--metrics');
  if (values.name !== undefined) checkRoom(values.name, '--name', 'host name'); // room-name rules (docs/protocol.md §2.4)
  if (values.bind !== undefined && isIP(values.bind) === 0) {
    throw new UsageError(
      `--bind wants an IP address such as ::, 0.0.0.0 or 127.0.0.1, not ${JSON.stringify(values.bind)}`,
    );
  }
  // A folder without the built client would serve nothing but 404s, with no word of why.
  if (values.web !== undefined && !existsSync(join(values.web, 'index.html'))) {
    throw new UsageError(`--web: ${JSON.stringify(values.web)} holds no index.html (npm run build:web makes out/web)`);
  }
  // The host's own rules for its options (a timer's longest delay, say), before anything starts.
  try {
    resolveHostOptions({ limits });
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(`--limit: ${error.message}`);
    throw error;
  }
  return {
    help: values.help ?? false,
    port,
    dataDir: values.data,
    rooms,
    passwordFiles,
    bind: values.bind,
    name: values.name,
    webRoot: values.web,
    allowedOrigins: values['allow-origin'] ?? [],
    durability,
    limits,
    discovery: !(values['no-discovery'] ?? false),
    tls: (values.tls ?? false) || (values['tls-only'] ?? false),
    tlsOnly: values['tls-only'] ?? false,
    announceInterfaces: values['announce-interface'] ?? [],
    feeds,
    feedStdin,
    metricsRoom: values.metrics,
  };
}

/** Flags that take one value: given twice, or given empty, is a mistake to report, not to guess about. */
const SINGLE_VALUED = ['port', 'data', 'bind', 'name', 'web', 'durability', 'metrics'];

function checkSingleValues(tokens: ReturnType<typeof parseArgs>['tokens']): void {
  const seen = new Set<string>();
  for (const token of tokens ?? []) {
    if (token.kind !== 'option' || !SINGLE_VALUED.includes(token.name)) continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} was given twice; give it once`);
    seen.add(token.name);
    // An empty --data would put the database in the current folder; an empty --bind or --name would be ignored.
    if (token.value === '') throw new UsageError(`--${token.name} wants a value, not ""`);
  }
}

const DEVICE_TAG = /^[0-9a-f]{16}$/;

/** `nobody`, `everyone`, or device tags separated by commas (`members`, only those). */
export function parseStdinPolicy(who: string): { policy: FeedStdinPolicy; allowed: string[] } {
  if (who === 'nobody' || who === 'everyone') return { policy: who, allowed: [] };
  const tags = who.split(',').map((t) => t.trim());
  const bad = tags.find((t) => !DEVICE_TAG.test(t));
  if (bad !== undefined) {
    throw new UsageError(
      `stdin: want nobody, everyone or device tags (16 hex digits) separated by commas, not ${JSON.stringify(bad)}`,
    );
  }
  return { policy: 'members', allowed: tags };
}

function checkRoom(name: string, flag: string, what = 'room name'): void {
  const result = roomName.safeParse(name);
  if (!result.success)
    throw new UsageError(`${flag}: ${what} ${JSON.stringify(name)} ${result.error.issues[0]?.message}`);
}
