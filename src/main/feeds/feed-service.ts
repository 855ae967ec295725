import { basename } from 'node:path';
import { feedName, type FeedStdinPolicy } from '../../shared/protocol/index.ts';
import type { Recipient, Room, RoomHub } from '../host/index.ts';
import type { Logger } from '../logger.ts';
import { Feed } from './feed.ts';
import { resolveFeedLimits, type FeedLimits } from './feed-limits.ts';
import { MetricsSource } from './metrics-source.ts';
import { ProcessRunner } from './process-runner.ts';

/** Variables a feed's process inherits from the host's environment; every other one is left out. */
export const INHERITED_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR'];

/**
 * The environment a feed's process gets (docs/protocol.md, "Feeds"): INHERITED_ENV and every LC_*
 * from the host's, TERM=xterm-256color (colour, though stdout is a pipe), and three of Tincan's own.
 * Nothing else of the host's: its secrets, tokens and settings do not leak into commands.
 */
export function feedEnvironment(
  base: NodeJS.ProcessEnv,
  feed: { name: string; room: string; hostName: string },
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && (INHERITED_ENV.includes(key) || key.startsWith('LC_'))) env[key] = value;
  }
  env.TERM = 'xterm-256color';
  env.TINCAN_FEED = feed.name;
  env.TINCAN_ROOM = feed.room;
  env.TINCAN_HOST = feed.hostName;
  return env;
}

export interface FeedServiceOptions {
  hub: RoomHub;
  /** The host's name, passed to processes as TINCAN_HOST. */
  hostName: string;
  /** Open connections, for host metrics. */
  connections: () => number;
  limits?: Partial<FeedLimits>;
  clock?: () => number;
  logger: Logger;
  /** The environment processes pick from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Working directory of processes (default the host's). */
  cwd?: string;
}

export interface CommandFeedOptions {
  /** Default: the program's file name, made unique on this host with -2, -3 … */
  name?: string;
  stdin?: FeedStdinPolicy;
  /** Device tags that may type when `stdin` is `members`. */
  allowed?: Iterable<string>;
  /** Start now (default true). */
  start?: boolean;
}

export const METRICS_FEED = 'host-metrics';

const services = new WeakMap<RoomHub, FeedService>();

/** The feed service attached to a hub, if any: how the `feed-input` frame handler finds the feeds. */
export function feedServiceOf(hub: RoomHub): FeedService | undefined {
  return services.get(hub);
}

/**
 * Every feed on a host: command feeds the operator attached to rooms and the built-in host-metrics
 * feed, each posting into its room through the hub. A member who joins a room is sent the state of
 * each of its feeds; every member gets each change. Feed names are unique on the host, so the
 * operator names a feed without its room.
 */
export class FeedService {
  readonly limits: FeedLimits;
  readonly #hub: RoomHub;
  readonly #options: FeedServiceOptions;
  readonly #clock: () => number;
  readonly #feeds = new Map<string, Feed>();
  #messagesStored = 0;
  readonly #onJoin: (room: Room, member: Recipient) => void;
  readonly #onLeave: (room: Room, member: Recipient) => void;
  readonly #onMessage = () => void this.#messagesStored++;

  constructor(options: FeedServiceOptions) {
    if (services.has(options.hub)) throw new Error('this hub already has a feed service');
    this.limits = resolveFeedLimits(options.limits);
    this.#hub = options.hub;
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    // After the `joined` reply (the hub tells us before the handler sends it): states follow it.
    this.#onJoin = (room, member) =>
      queueMicrotask(() => {
        for (const feed of this.inRoom(room.name)) if (this.#hub.isIn(member, feed.room)) feed.sendState(member);
      });
    this.#onLeave = (room, member) => {
      for (const feed of this.inRoom(room.name)) feed.forget(member);
    };
    this.#hub.on('join', this.#onJoin);
    this.#hub.on('leave', this.#onLeave);
    this.#hub.on('message', this.#onMessage);
    services.set(options.hub, this);
  }

  /** Every feed, in the order they were added. */
  list(): Feed[] {
    return [...this.#feeds.values()];
  }

  get(name: string): Feed | undefined {
    return this.#feeds.get(name);
  }

  inRoom(room: string): Feed[] {
    return this.list().filter((feed) => feed.room.name === room);
  }

  /** The feed `name` of `room`, if there is one. */
  find(room: string, name: string): Feed | undefined {
    const feed = this.#feeds.get(name);
    return feed?.room.name === room ? feed : undefined;
  }

  /** Attach a command to a room that exists; it starts at once unless `start: false`. */
  addCommand(room: string, command: string[], options: CommandFeedOptions = {}): Feed {
    const target = this.#room(room);
    if (command.length === 0 || command[0] === '') throw new TypeError('a feed needs a command');
    const name = options.name ?? this.#uniqueName(basename(command[0]!));
    this.#checkName(name);
    const runner = new ProcessRunner({
      command,
      env: feedEnvironment(this.#options.env ?? process.env, { name, room, hostName: this.#options.hostName }),
      ...(this.#options.cwd ? { cwd: this.#options.cwd } : {}),
      limits: this.limits,
      clock: this.#clock,
    });
    const feed = this.#add(name, target, runner);
    runner.on('line', (text, stream, cut) => feed.push(text, stream, cut));
    runner.on('status', () => feed.announceState());
    this.setStdin(name, options.stdin ?? 'nobody', options.allowed ?? []);
    if (options.start ?? true) runner.start();
    return feed;
  }

  /** Start the host-metrics feed in a room (one per host; moving it to another room is not supported). */
  enableMetrics(room: string): Feed {
    const existing = this.#feeds.get(METRICS_FEED);
    if (existing) {
      if (existing.room.name !== room) throw new RangeError(`host metrics already go to room ${existing.room.name}`);
      existing.source.start();
      return existing;
    }
    const target = this.#room(room);
    const made: { feed?: Feed } = {}; // the source speaks to the feed made with it
    const source = new MetricsSource(
      {
        connections: this.#options.connections,
        messagesStored: () => this.#messagesStored,
        clock: this.#clock,
      },
      this.limits.metricsIntervalMs,
      (json) => made.feed?.push(json, 'out'),
      () => made.feed?.announceState(),
    );
    const feed = (made.feed = this.#add(METRICS_FEED, target, source));
    source.start();
    return feed;
  }

  /** Who may type into feed `name`: nobody, the listed device tags (`members`), or everyone in its room. */
  setStdin(name: string, policy: FeedStdinPolicy, allowed: Iterable<string> = []): Feed {
    const feed = this.#require(name);
    if (feed.source.kind !== 'command' && policy !== 'nobody') {
      throw new RangeError(`${name} has no standard input`);
    }
    feed.stdin = policy;
    feed.allowed = new Set(allowed);
    feed.announceState();
    return feed;
  }

  async stop(name: string): Promise<Feed> {
    const feed = this.#require(name);
    await feed.source.stop();
    return feed;
  }

  start(name: string): Feed {
    const feed = this.#require(name);
    feed.source.start();
    return feed;
  }

  async restart(name: string): Promise<Feed> {
    const feed = this.#require(name);
    await feed.source.restart();
    return feed;
  }

  /** Stop every feed, store what they printed, and let go of the hub. */
  async close(): Promise<void> {
    await Promise.all(this.list().map((feed) => feed.source.stop()));
    for (const feed of this.list()) feed.close();
    this.#hub.off('join', this.#onJoin);
    this.#hub.off('leave', this.#onLeave);
    this.#hub.off('message', this.#onMessage);
    services.delete(this.#hub);
  }

  #add(name: string, room: Room, source: Feed['source']): Feed {
    const feed = new Feed({
      name,
      room,
      hub: this.#hub,
      source,
      limits: this.limits,
      clock: this.#clock,
      logger: this.#options.logger,
      prune: (keep) => this.#hub.pruneFeed(room, name, keep),
    });
    this.#feeds.set(name, feed);
    // Older runs of the same feed count against its retention too.
    this.#hub.pruneFeed(room, name, this.limits.retainLines);
    return feed;
  }

  #room(name: string): Room {
    const room = this.#hub.get(name);
    if (!room) throw new RangeError(`no room named ${JSON.stringify(name)}`);
    return room;
  }

  #require(name: string): Feed {
    const feed = this.#feeds.get(name);
    if (!feed) throw new RangeError(`no feed named ${JSON.stringify(name)}`);
    return feed;
  }

  #checkName(name: string): void {
    const valid = feedName.safeParse(name);
    if (!valid.success)
      throw new TypeError(`invalid feed name ${JSON.stringify(name)}: ${valid.error.issues[0]?.message}`);
    if (this.#feeds.has(name)) throw new RangeError(`a feed named ${JSON.stringify(name)} exists already`);
  }

  /** The program's name made into a feed name (other characters become -), unique on the host. */
  #uniqueName(program: string): string {
    const base =
      program
        .replace(/[^A-Za-z0-9._-]/g, '-')
        .replace(/^[^A-Za-z0-9]+/, '')
        .slice(0, 28) || 'feed';
    let name = base;
    for (let n = 2; this.#feeds.has(name) || name === METRICS_FEED; n++) name = `${base}-${n}`;
    return name;
  }
}
