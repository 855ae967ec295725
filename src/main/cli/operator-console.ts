import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { AnnouncementLevel } from '../../shared/protocol/index.ts';
import type { Announced, AnnounceOptions, HostServer } from '../host/index.ts';

/**
 * The headless host's console: lines typed on its stdin are operator commands. Chosen over an HTTP
 * admin endpoint because it needs no secret and cannot be reached from the network; a box run by a
 * service manager can pipe commands in (e.g. from a FIFO).
 */
export const CONSOLE_HELP = `Commands (type them here, one per line):
  announce TEXT            post TEXT to every room, as an announcement
  warn TEXT                the same, shown as a warning
  announce #ROOM: TEXT     post to one room only (also: warn #ROOM: TEXT)
  rooms                    list the rooms and who is in them
  help                     this list
`;

/** Longest console line read, in characters; longer lines are refused, not cut. */
export const MAX_CONSOLE_LINE = 4000;

export type OperatorCommand =
  | { kind: 'announce'; text: string; level: AnnouncementLevel; room?: string }
  | { kind: 'rooms' }
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
    default:
      throw new ConsoleError(`unknown command ${JSON.stringify(word.slice(0, 40))}; type help`);
  }
}

type ConsoleHost = Pick<HostServer, 'rooms'> & {
  announce(text: string, options?: AnnounceOptions): Promise<Announced[]>;
};

/** Run one parsed command against the host; resolves with what to print. */
export async function runOperatorCommand(host: ConsoleHost, command: OperatorCommand): Promise<string> {
  switch (command.kind) {
    case 'empty':
      return '';
    case 'help':
      return CONSOLE_HELP;
    case 'rooms':
      return (
        host
          .rooms()
          .map((r) => `  ${r.name}: ${r.members} here, ${r.head} messages${r.locked ? ', password' : ''}`)
          .join('\n') + '\n'
      );
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

/** Read commands from `input` until it ends; replies and errors go to `output`. Commands run one at a time. */
export function attachOperatorConsole(host: ConsoleHost, input: Readable, output: Writable): () => void {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  let queue = Promise.resolve();
  lines.on('line', (line) => {
    queue = queue.then(async () => {
      try {
        output.write(await runOperatorCommand(host, parseOperatorLine(line)));
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
