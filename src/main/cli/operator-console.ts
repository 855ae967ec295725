import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { AnnouncementLevel } from '../../shared/protocol/index.ts';
import type { FeedService } from '../feeds/index.ts';
import type { Announced, AnnounceOptions, HostServer, Moderation } from '../host/index.ts';
import { parseStdinPolicy, UsageError } from './cli-args.ts';
import {
  MODERATION_HELP,
  parseModerationLine,
  runModerationCommand,
  type ModerationCommand,
} from './moderation-commands.ts';

/**
 * The headless host's console: lines typed on its stdin are operator commands. It needs no secret
 * and cannot be reached from the network; a box run by a service manager can pipe commands in
 * (e.g. from a FIFO). The network way in is the admin API (host/moderation/admin-api.ts), behind
 * the admin secret; moderation commands here and there run the same moderation API.
 */
export const CONSOLE_HELP = `Commands (type them here, one per line):
  announce TEXT            post TEXT to every room, as an announcement
  warn TEXT                the same, shown as a warning
  announce #ROOM: TEXT     post to one room only (also: warn #ROOM: TEXT)
  rooms                    list the rooms and who is in them
  invite ROOM              print an invite link to ROOM (with a join token for a password room)
  revoke TOKEN|LINK        stop one invite's join token from admitting anyone (others keep working)
  feeds                    list the feeds: room, state, command, stdin
  stop FEED                stop a feed's process (it stays stopped)
  start FEED               start it again (restart count and backoff begin anew)
  restart FEED             stop it, then start it
  stdin FEED WHO           who may type into it: nobody, everyone, or device tags (a,b,…)
  metrics ROOM             post the host's metrics to ROOM (the feed host-metrics)
${MODERATION_HELP}  help                     this list
`;

/** Longest console line read, in characters; longer lines are refused, not cut. */
export const MAX_CONSOLE_LINE = 4000;

export type OperatorCommand =
  | { kind: 'announce'; text: string; level: AnnouncementLevel; room?: string }
  | { kind: 'rooms' }
  | { kind: 'invite'; room: string }
  | { kind: 'revoke'; token: string }
  | { kind: 'feeds' }
  | { kind: 'feed'; action: 'stop' | 'start' | 'restart'; feed: string }
  | { kind: 'stdin'; feed: string; who: string }
  | { kind: 'metrics'; room: string }
  | { kind: 'moderation'; command: ModerationCommand }
  | { kind: 'help' }
  | { kind: 'empty' };

export class ConsoleError extends Error {}

/** One console line as a command; throws ConsoleError with a reason a person can act on. */
export function parseOperatorLine(line: string): OperatorCommand {
  if (line.length > MAX_CONSOLE_LINE) throw new ConsoleError(`line too long (over ${MAX_CONSOLE_LINE} characters)`);
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'empty' };
  const space = trimmed.search(/\s/);
  const word = (space < 0 ? trimmed : trimmed.slice(0, space)).replace(/^\//, '').toLowerCase();
  const rest = space < 0 ? '' : trimmed.slice(space).trim();
  switch (word) {
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'rooms':
      return { kind: 'rooms' };
    case 'invite':
      if (rest === '') throw new ConsoleError('invite wants a room name');
      return { kind: 'invite', room: rest };
    case 'revoke':
      if (rest === '') throw new ConsoleError('revoke wants a join token or an invite link');
      return { kind: 'revoke', token: rest };
    case 'feeds':
      return { kind: 'feeds' };
    case 'stop':
    case 'start':
    case 'restart':
      if (rest === '' || /\s/.test(rest)) throw new ConsoleError(`${word} wants one feed name; type feeds`);
      return { kind: 'feed', action: word, feed: rest };
    case 'stdin': {
      const [feed, who, extra] = rest.split(/\s+/);
      if (!feed || !who || extra !== undefined)
        throw new ConsoleError('stdin wants FEED WHO (nobody, everyone or tags)');
      return { kind: 'stdin', feed, who };
    }
    case 'metrics':
      if (rest === '') throw new ConsoleError('metrics wants a room name');
      return { kind: 'metrics', room: rest };
    case 'announce':
    case 'warn': {
      const level: AnnouncementLevel = word === 'warn' ? 'warning' : 'info';
      if (rest.startsWith('#')) {
        const colon = rest.indexOf(': ');
        if (colon < 0) throw new ConsoleError(`${word} #ROOM: TEXT wants a colon and a space after the room name`);
        const room = rest.slice(1, colon);
        const text = rest.slice(colon + 2).trim();
        if (text === '') throw new ConsoleError(`${word}: nothing to announce`);
        return { kind: 'announce', text, level, room };
      }
      if (rest === '') throw new ConsoleError(`${word}: nothing to announce`);
      return { kind: 'announce', text: rest, level };
    }
    default: {
      let moderation: ModerationCommand | undefined;
      try {
        moderation = parseModerationLine(word, rest);
      } catch (error) {
        throw new ConsoleError((error as Error).message);
      }
      if (moderation) return { kind: 'moderation', command: moderation };
      throw new ConsoleError(`unknown command ${JSON.stringify(word.slice(0, 40))}; type help`);
    }
  }
}

type ConsoleHost = Pick<HostServer, 'rooms' | 'revokeJoinToken'> & {
  announce(text: string, options?: AnnounceOptions): Promise<Announced[]>;
  /** An invite link to the room; the CLI passes createInvite with the host's LAN addresses. */
  invite(room: string): { url: string; expiresAt: number | null };
  /** The host's moderation (who, kick, ban, mute); absent: those commands are refused. */
  moderation?: Moderation;
};

/** Run one parsed command against the host; resolves with what to print. */
export async function runOperatorCommand(
  host: ConsoleHost,
  command: OperatorCommand,
  feeds?: FeedService,
): Promise<string> {
  switch (command.kind) {
    case 'feeds':
    case 'feed':
    case 'stdin':
    case 'metrics':
      if (!feeds) throw new ConsoleError('this host runs no feed service');
      return runFeedCommand(feeds, command);
    case 'empty':
      return '';
    case 'moderation':
      if (!host.moderation) throw new ConsoleError('this host has no moderation');
      return runModerationCommand(host.moderation, command.command);
    case 'help':
      return CONSOLE_HELP;
    case 'rooms':
      return (
        host
          .rooms()
          .map((r) => `  ${r.name}: ${r.members} here, ${r.head} messages${r.locked ? ', password' : ''}`)
          .join('\n') + '\n'
      );
    case 'invite': {
      const { url, expiresAt } = host.invite(command.room);
      const until = expiresAt ? `  (its token admits anyone until ${new Date(expiresAt).toISOString()})` : '';
      return `${url}${until}\n`;
    }
    case 'revoke': {
      const { room } = host.revokeJoinToken(command.token);
      return `revoked: that token no longer admits anyone to ${room}\n`;
    }
    case 'announce': {
      const stored = await host.announce(command.text, {
        level: command.level,
        ...(command.room === undefined ? {} : { room: command.room }),
      });
      const where = stored.map((s) => `${s.room} #${s.seq}`).join(', ');
      return `announced in ${stored.length} room${stored.length === 1 ? '' : 's'}: ${where}\n`;
    }
  }
}

type FeedCommand = Extract<OperatorCommand, { kind: 'feeds' | 'feed' | 'stdin' | 'metrics' }>;

async function runFeedCommand(feeds: FeedService, command: FeedCommand): Promise<string> {
  switch (command.kind) {
    case 'feeds': {
      const list = feeds.list();
      if (list.length === 0) return '  no feeds (start the host with --feed ROOM=COMMAND or --metrics ROOM)\n';
      return (
        list
          .map((feed) => {
            const info = feed.info();
            const state =
              info.state +
              (info.code !== undefined
                ? ` (code ${info.code})`
                : info.signal
                  ? ` (${info.signal})`
                  : info.error
                    ? ` (${info.error})`
                    : '');
            const what = info.command ? JSON.stringify(info.command) : 'host metrics';
            return `  ${feed.name} in ${feed.room.name}: ${state}, ${what}, stdin ${info.stdin}, ${info.restarts} restarts`;
          })
          .join('\n') + '\n'
      );
    }
    case 'feed': {
      const feed = requireFeed(feeds, command.feed);
      if (command.action === 'stop') await feeds.stop(feed);
      else if (command.action === 'start') feeds.start(feed);
      else await feeds.restart(feed);
      return `${feed}: ${feeds.get(feed)!.info().state}\n`;
    }
    case 'stdin': {
      requireFeed(feeds, command.feed);
      let who;
      try {
        who = parseStdinPolicy(command.who);
      } catch (error) {
        throw new ConsoleError((error as UsageError).message);
      }
      const feed = feeds.setStdin(command.feed, who.policy, who.allowed);
      return `${feed.name}: stdin ${feed.stdin}${feed.allowed.size ? ` (${[...feed.allowed].join(', ')})` : ''}\n`;
    }
    case 'metrics': {
      const feed = feeds.enableMetrics(command.room);
      return `${feed.name} → ${feed.room.name}: ${feed.info().state}\n`;
    }
  }
}

function requireFeed(feeds: FeedService, name: string): string {
  if (!feeds.get(name)) throw new ConsoleError(`no feed named ${JSON.stringify(name.slice(0, 40))}; type feeds`);
  return name;
}

/** Read commands from `input` until it ends; replies and errors go to `output`. Commands run one at a time. */
export function attachOperatorConsole(
  host: ConsoleHost,
  input: Readable,
  output: Writable,
  feeds?: FeedService,
): () => void {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  let queue = Promise.resolve();
  lines.on('line', (line) => {
    queue = queue.then(async () => {
      try {
        output.write(await runOperatorCommand(host, parseOperatorLine(line), feeds));
      } catch (error) {
        const reason = error instanceof ConsoleError ? error.message : describe(error);
        output.write(`error: ${reason}\n`);
      }
    });
  });
  return () => lines.close();
}

/** A refused announcement's reason in a line: the schema's first issue rather than a dump. */
function describe(error: unknown): string {
  const issues = (error as { issues?: { message: string; path: PropertyKey[] }[] }).issues;
  if (issues?.[0])
    return `announcement refused: ${issues[0].path.map(String).join('.') || 'text'} ${issues[0].message}`;
  return error instanceof Error ? error.message : String(error);
}
