import type { Moderation } from '../host/index.ts';
import type { ConnectionInfo, ModerationResult } from '../../shared/moderation.ts';

/**
 * The console's moderation commands (who, kick, ban, unban, bans, mute, unmute, mutes): words
 * into requests of the one moderation API (host/moderation), its answers into lines. The API
 * validates every request; this only reads the words.
 */
export const MODERATION_HELP = `  who                      who is connected: member id, nick, device, address, rooms, RTT, traffic
  kick MEMBER [REASON]     disconnect a member (close 4003); MEMBER is the id from who
  ban WHO [TIME] [REASON]  ban a member's device, a device tag, or an address/CIDR range
                           (10.0.0.0/24, fd00::/8); TIME like 30s, 10m, 2h, 7d (default: until unban)
  bans                     the bans in force, with their ids
  unban ID                 lift a ban
  mute #ROOM WHO [TIME] [REASON]   stop a member's device (or a device tag) writing in ROOM
  mutes                    the mutes in force
  unmute #ROOM DEVICE      lift a mute
`;

export type ModerationCommand =
  | { kind: 'who' }
  | { kind: 'bans' }
  | { kind: 'mutes' }
  | { kind: 'kick'; member: string; reason?: string }
  | { kind: 'ban'; who: string; durationMs?: number; reason?: string }
  | { kind: 'unban'; id: number }
  | { kind: 'mute'; room: string; who: string; durationMs?: number; reason?: string }
  | { kind: 'unmute'; room: string; device: string };

/** A moderation line that cannot be read; the console prints its message. */
export class ModerationUsageError extends Error {}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `30s`, `10m`, `2h`, `7d` in ms; undefined when the word is not a duration. */
export function parseDuration(word: string): number | undefined {
  const match = /^(\d{1,6})([smhd])$/.exec(word);
  return match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : undefined;
}

/** The moderation command of a console line (`word` is its first word, lower case), or undefined when it is not one. */
export function parseModerationLine(word: string, rest: string): ModerationCommand | undefined {
  const words = rest === '' ? [] : rest.split(/\s+/);
  switch (word) {
    case 'who':
    case 'bans':
    case 'mutes':
      return { kind: word };
    case 'kick': {
      const [member] = words;
      if (!member) throw new ModerationUsageError('kick wants a member id; type who');
      return { kind: 'kick', member, ...reasonOf(rest, 1) };
    }
    case 'ban': {
      const [who] = words;
      if (!who) throw new ModerationUsageError('ban wants a member id, a device tag or an address range');
      return { kind: 'ban', who, ...timeAndReason(rest, words, 1) };
    }
    case 'unban': {
      const id = Number(words[0]);
      if (words.length !== 1 || !Number.isInteger(id) || id < 1)
        throw new ModerationUsageError('unban wants a ban id; type bans');
      return { kind: 'unban', id };
    }
    case 'mute': {
      const [room, who] = roomAnd(rest, 'mute #ROOM WHO [TIME] [REASON]');
      const after = who.split(/\s+/);
      return { kind: 'mute', room, who: after[0]!, ...timeAndReason(who, after, 1) };
    }
    case 'unmute': {
      const [room, device] = roomAnd(rest, 'unmute #ROOM DEVICE');
      if (/\s/.test(device)) throw new ModerationUsageError('unmute #ROOM DEVICE takes one device tag');
      return { kind: 'unmute', room, device };
    }
    default:
      return undefined;
  }
}

/** `#ROOM rest`: the room name runs to the first space (room names with spaces: `#"my room" …` is not supported). */
function roomAnd(rest: string, usage: string): [string, string] {
  const match = /^#(\S+)\s+(\S.*)$/.exec(rest);
  if (!match) throw new ModerationUsageError(`usage: ${usage}`);
  return [match[1]!, match[2]!];
}

/** The words after the first `skip` as the reason, when there are any. */
function reasonOf(rest: string, skip: number): { reason?: string } {
  const reason = rest.split(/\s+/).slice(skip).join(' ').trim();
  return reason ? { reason } : {};
}

function timeAndReason(rest: string, words: string[], skip: number): { durationMs?: number; reason?: string } {
  const duration = words[skip] === undefined ? undefined : parseDuration(words[skip]);
  if (duration === undefined && words[skip] === 'forever') return reasonOf(rest, skip + 1);
  // A mistyped TIME (`-5m`, `1.5h`, `10M`, `99999999d`) taken as the reason would make the ban or mute last forever.
  if (duration === undefined && /^[-+]?\d+(\.\d*)?[smhd]$/i.test(words[skip] ?? '')) {
    throw new ModerationUsageError(
      `${words[skip]} is not a TIME: a whole number of s, m, h or d (30s, 10m, 2h, 7d), up to a year; or forever`,
    );
  }
  return duration === undefined ? reasonOf(rest, skip) : { durationMs: duration, ...reasonOf(rest, skip + 1) };
}

/** An address or CIDR range (digits, dots, colons, a slash), as opposed to a member id or device tag. */
const looksLikeAddress = (who: string) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(who) && /[.:/]/.test(who);
const DEVICE_TAG = /^[0-9a-f]{16}$/;

/** Run one moderation command; resolves with the lines to print. */
export async function runModerationCommand(moderation: Moderation, command: ModerationCommand): Promise<string> {
  const view = () => moderation.view();
  switch (command.kind) {
    case 'who': {
      const { connections, at } = view();
      if (connections.length === 0) return '  nobody is connected\n';
      return connections.map((c) => `  ${whoLine(c, at)}`).join('\n') + '\n';
    }
    case 'bans': {
      const { bans } = view();
      if (bans.length === 0) return '  no bans\n';
      return (
        bans
          .map(
            (b) =>
              `  ${b.id}: ${b.device ? `device ${b.device}${nickText(b.nick)}` : b.range} ${untilText(b.until)}${b.reason ? ` — ${b.reason}` : ''}`,
          )
          .join('\n') + '\n'
      );
    }
    case 'mutes': {
      const { mutes } = view();
      if (mutes.length === 0) return '  no mutes\n';
      return (
        mutes
          .map(
            (m) =>
              `  #${m.room} ${m.device}${nickText(m.nick)} ${untilText(m.until)}${m.reason ? ` — ${m.reason}` : ''}`,
          )
          .join('\n') + '\n'
      );
    }
    case 'kick':
      return resultText('kicked', await moderation.kick({ member: command.member, ...pick(command, 'reason') }));
    case 'ban': {
      const who = command.who;
      const target = looksLikeAddress(who)
        ? { range: who }
        : moderation.isConnectedMember(who) || !DEVICE_TAG.test(who)
          ? { member: who }
          : { device: who };
      const result = await moderation.ban({ ...target, ...pick(command, 'durationMs', 'reason') });
      return resultText(`ban ${result.ban?.id}`, result);
    }
    case 'unban':
      return resultText(`lifted ban ${command.id}`, await moderation.unban({ id: command.id }));
    case 'mute': {
      const who = command.who;
      const target = DEVICE_TAG.test(who) && !moderation.isConnectedMember(who) ? { device: who } : { member: who };
      const result = await moderation.mute({ room: command.room, ...target, ...pick(command, 'durationMs', 'reason') });
      // A mute closes nothing: say what it does instead of "0 connections closed".
      const named = result.mute?.nick ?? result.mute?.device ?? who;
      return recordedText(
        `muted ${named} in #${command.room} ${untilText(result.mute?.until ?? null)}: what they send there is refused`,
        result,
      );
    }
    case 'unmute':
      return recordedText(
        `unmuted in #${command.room}: they may write there again`,
        await moderation.unmute({ room: command.room, device: command.device }),
      );
  }
}

function pick<T extends object, K extends keyof T>(value: T, ...keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => value[k] !== undefined).map((k) => [k, value[k]])) as Partial<
    Pick<T, K>
  >;
}

function whoLine(c: ConnectionInfo, now: number): string {
  const since = Math.round((now - c.connectedAt) / 1000);
  const rtt = c.rttMs === null ? 'rtt ?' : `rtt ${c.rttMs} ms`;
  const traffic = `in ${c.in.messagesPerSecond}/s ${c.in.bytesPerSecond} B/s, out ${c.out.messagesPerSecond}/s ${c.out.bytesPerSecond} B/s`;
  const who = c.greeted ? `${c.nick} (device ${c.device})` : '(no hello yet)';
  const rooms = c.rooms.length ? c.rooms.map((r) => `#${r}`).join(' ') : 'no rooms';
  return `${c.member}  ${who}  ${c.address}  ${rooms}  ${since}s  ${rtt}  queued ${c.bufferedAmount} B  ${traffic}`;
}

function untilText(until: number | null): string {
  return until === null ? 'until lifted' : `until ${new Date(until).toISOString()}`;
}

function resultText(what: string, result: ModerationResult): string {
  const closed = `${result.closed} connection${result.closed === 1 ? '' : 's'} closed`;
  return `${what}: ${closed}; recorded in ${whereText(result)}\n`;
}

function recordedText(what: string, result: ModerationResult): string {
  return `${what}; recorded in ${whereText(result)}\n`;
}

function whereText(result: ModerationResult): string {
  return result.recorded.map((r) => `${r.room} #${r.seq}`).join(', ') || 'no room';
}

function nickText(nick: string | undefined): string {
  return nick ? ` (${nick})` : '';
}
