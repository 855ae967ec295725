import { z } from 'zod';
import {
  banRequest,
  kickRequest,
  muteRequest,
  unbanRequest,
  unmuteRequest,
  type BanRequest,
  type KickRequest,
  type ModerationResult,
  type ModerationView,
  type MuteRequest,
  type UnbanRequest,
  type UnmuteRequest,
} from '../../../shared/moderation.ts';
import { CLOSE_CODES, type ModerationBody } from '../../../shared/protocol/index.ts';
import type { Logger } from '../../logger.ts';
import type { ModerationStore } from '../../store/index.ts';
import type { RoomHub } from '../rooms/room-hub.ts';
import type { Room } from '../rooms/room.ts';
import type { Session } from '../session.ts';
import { parseAddressRange, type AddressRange } from './address-range.ts';
import { BanList, banInfoOf, type Ban } from './ban-list.ts';
import { closeReason } from './close-reason.ts';
import type { BanRefusal, ModerationChecks } from './moderation-checks.ts';
import type { AddressRefusal } from './banned-page.ts';
import { durationText, recordModeration } from './moderation-records.ts';
import { refuseBanned } from './refusals.ts';
import { MuteList, muteInfoOf } from './mute-list.ts';
import { readTraffic } from './traffic-rates.ts';

/** An action that cannot be done as asked; `status` is what the admin API answers with. */
export class ModerationError extends Error {
  readonly status: 400 | 404 | 409;
  constructor(message: string, status: 400 | 404 | 409 = 400) {
    super(message);
    this.status = status;
  }
}

export interface ModerationOptions {
  hub: RoomHub;
  store: ModerationStore;
  /** Every open connection of the host, handshakes included. */
  sessions: () => Iterable<Session>;
  clock: () => number;
  logger: Logger;
  /** Shown as the poster of the moderation records (the host's name). */
  operatorNick: string;
}

/**
 * The host operator's controls: the live view of who is connected, kick, ban (a device, or an
 * address range), mute (a device in a room), and lifting them. Every action is recorded in the
 * room as a stored `moderation` message. The one API under the headless console, the admin HTTP
 * API and the desktop app's host panel; requests are validated here too, whoever calls.
 */
export class Moderation implements ModerationChecks {
  readonly #hub: RoomHub;
  readonly #sessions: () => Iterable<Session>;
  readonly #clock: () => number;
  readonly #nick: string;
  readonly #bans: BanList;
  readonly #mutes: MuteList;

  constructor({ hub, store, sessions, clock, logger, operatorNick }: ModerationOptions) {
    this.#hub = hub;
    this.#sessions = sessions;
    this.#clock = clock;
    this.#nick = operatorNick;
    this.#bans = new BanList(store, clock(), logger);
    this.#mutes = new MuteList(store, hub.rooms(), clock());
  }

  // Checks for the transport -------------------------------------------------------------------

  /** The refusal text for an upgrade from a banned address, or null. */
  addressBan(address: string): string | null {
    return this.addressRefusal(address)?.message ?? null;
  }

  /** Why an HTTP request from a banned address is refused, for a program and for a person; or null. */
  addressRefusal(address: string): AddressRefusal | null {
    const now = this.#clock();
    const ban = this.#bans.forAddress(address, now);
    if (!ban) return null;
    return {
      message: refusalText('This address is banned from the host', ban, now),
      personal: refusalText('You are banned from this host', ban, now),
    };
  }

  deviceBan(device: string): BanRefusal | null {
    const now = this.#clock();
    const ban = this.#bans.forDevice(device, now);
    if (!ban) return null;
    return banRefusal('device', ban, now);
  }

  muteWait(room: string, device: string): number | null {
    return this.#mutes.wait(room, device, this.#clock());
  }

  // The view -----------------------------------------------------------------------------------

  view(): ModerationView {
    const now = this.#clock();
    const connections = [];
    for (const s of this.#sessions()) {
      connections.push({
        member: s.id,
        nick: s.nick,
        device: s.deviceTag,
        address: s.address,
        rooms: this.#hub.roomsOf(s).map((room) => room.name),
        connectedAt: s.connectedAt,
        greeted: s.greeted,
        rttMs: s.rttMs < 0 ? null : s.rttMs,
        bufferedAmount: s.queuedBytes,
        ...readTraffic(s, now),
      });
    }
    return {
      at: now,
      connections,
      bans: this.#bans.list(now).map((b) => banInfoOf(b, b.device === null ? undefined : this.#nickOf(b.device))),
      mutes: this.#mutes.list(now).map((m) => muteInfoOf(m, this.#nickOf(m.device))),
    };
  }

  // Actions ------------------------------------------------------------------------------------

  /** Close a member's connection with 4003 and the reason; recorded in every room it was in. */
  async kick(request: KickRequest): Promise<ModerationResult> {
    const { member, reason } = parse(kickRequest, request);
    const session = this.#member(member);
    const body: ModerationBody = { action: 'kick', target: targetOf(session), ...(reason ? { reason } : {}) };
    const rooms = [...this.#hub.roomsOf(session)];
    session.ws.close(CLOSE_CODES.kicked, closeReason(reason ? `kicked: ${reason}` : 'kicked by the host'));
    return { closed: 1, recorded: await this.#record(rooms, body) };
  }

  /**
   * Ban a device (by its tag, or a connected member's) or an address range, for `durationMs` or
   * until lifted. Connections it covers are closed with 4004 at once. Recorded in every room: a ban
   * is host-wide.
   */
  async ban(request: BanRequest): Promise<ModerationResult> {
    const r = parse(banRequest, request);
    const now = this.#clock();
    let device: string | null = null;
    let range: AddressRange | null = null;
    let nick: string | undefined;
    if (r.range === undefined) {
      ({ device, nick } = this.#deviceOf(r, 'that connection has not said hello yet: ban its address'));
    } else {
      try {
        range = parseAddressRange(r.range!);
      } catch (error) {
        throw new ModerationError((error as Error).message);
      }
    }
    const reason = r.reason ?? '';
    const until = r.durationMs === undefined ? null : now + r.durationMs;
    const ban = this.#guard(() => this.#bans.add({ device, range, reason, until, nick: nick ?? null }, now));
    const covered = this.#connected().filter((s) =>
      device !== null ? s.greeted && s.deviceTag === device : range!.matches(s.address),
    );
    const refusal = banRefusal(device !== null ? 'device' : 'address', ban, now);
    for (const session of covered) refuseBanned(session, refusal, reason);
    const body: ModerationBody = {
      action: 'ban',
      target: device !== null ? { scope: 'device', device, ...(nick ? { nick } : {}) } : { scope: 'address' },
      ...(reason ? { reason } : {}),
      until,
    };
    return { closed: covered.length, recorded: await this.#record(this.#hub.rooms(), body), ban: banInfoOf(ban) };
  }

  async unban(request: UnbanRequest): Promise<ModerationResult> {
    const { id } = parse(unbanRequest, request);
    const ban = this.#bans.remove(id, this.#clock());
    if (!ban) throw new ModerationError(`no ban ${id} is in force`, 404);
    const target: ModerationBody['target'] =
      ban.device !== null ? { scope: 'device', device: ban.device } : { scope: 'address' };
    return { closed: 0, recorded: await this.#record(this.#hub.rooms(), { action: 'unban', target }) };
  }

  /** Mute a device in a room: its `send` and `typing` there get `muted` until it ends. Recorded in that room. */
  async mute(request: MuteRequest): Promise<ModerationResult> {
    const r = parse(muteRequest, request);
    const now = this.#clock();
    const room = this.#room(r.room);
    const { device, nick } = this.#deviceOf(r, 'that connection has not said hello yet');
    const reason = r.reason ?? '';
    const until = r.durationMs === undefined ? null : now + r.durationMs;
    const mute = this.#guard(() => this.#mutes.put({ room, device, reason, until, nick: nick ?? null }, now));
    const body: ModerationBody = {
      action: 'mute',
      target: { scope: 'device', device, ...(nick ? { nick } : {}) },
      ...(reason ? { reason } : {}),
      until,
    };
    return { closed: 0, recorded: await this.#record([room], body), mute: muteInfoOf(mute) };
  }

  async unmute(request: UnmuteRequest): Promise<ModerationResult> {
    const { room: name, device } = parse(unmuteRequest, request);
    const room = this.#room(name);
    if (!this.#mutes.remove(room, device, this.#clock())) {
      throw new ModerationError(`device ${device} is not muted in ${JSON.stringify(name)}`, 404);
    }
    const nick = this.#nickOf(device);
    const body: ModerationBody = { action: 'unmute', target: { scope: 'device', device, ...(nick ? { nick } : {}) } };
    return { closed: 0, recorded: await this.#record([room], body) };
  }

  // ---------------------------------------------------------------------------------------------

  #connected(): Session[] {
    return [...this.#sessions()].filter((s) => s.open);
  }

  /** Whether `id` is a member connected now: a cheap question, unlike `view` (which starts counting traffic). */
  isConnectedMember(id: string): boolean {
    return this.#connected().some((s) => s.id === id);
  }

  #member(id: string): Session {
    const session = this.#connected().find((s) => s.id === id);
    if (!session) throw new ModerationError(`no connected member ${JSON.stringify(id)}`, 404);
    return session;
  }

  /** The device a request names: a connected member's (greeted), or a tag; with the nick it has now, if connected. */
  #deviceOf(target: { member?: string; device?: string }, notGreeted: string): { device: string; nick?: string } {
    if (target.member === undefined) {
      const nick = this.#nickOf(target.device!);
      return nick === undefined ? { device: target.device! } : { device: target.device!, nick };
    }
    const session = this.#member(target.member);
    if (!session.greeted) throw new ModerationError(notGreeted);
    return { device: session.deviceTag, nick: session.nick };
  }

  #nickOf(device: string): string | undefined {
    return this.#connected().find((s) => s.greeted && s.deviceTag === device)?.nick;
  }

  #room(name: string): Room {
    const room = this.#hub.get(name);
    if (!room) throw new ModerationError(`no room named ${JSON.stringify(name)}`, 404);
    return room;
  }

  #guard<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof RangeError) throw new ModerationError(error.message, 409);
      throw error;
    }
  }

  #record(rooms: readonly Room[], body: ModerationBody) {
    return recordModeration(this.#hub, rooms, body, this.#nick, this.#clock());
  }
}

function targetOf(session: Session): ModerationBody['target'] {
  return {
    scope: 'member',
    ...(session.nick ? { nick: session.nick } : {}),
    ...(session.deviceTag ? { device: session.deviceTag } : {}),
  };
}

/** "This device is banned from the host for 30 minutes: spam" (the time left, in its largest unit), for refusals. */
function refusalText(what: string, ban: Ban, now: number): string {
  const span = ban.until === null ? ' until the operator lifts it' : ` for ${durationText(ban.until - now)}`;
  return `${what}${span}${ban.reason ? `: ${ban.reason}` : ''}`;
}

/** What a banned device or address is told when refused: why, and how long to wait when the ban ends. */
function banRefusal(what: 'device' | 'address', ban: Ban, now: number): BanRefusal {
  return {
    message: refusalText(`This ${what} is banned from the host`, ban, now),
    ...(ban.until === null ? {} : { retryAfterMs: ban.until - now }),
  };
}

/** The request as its schema reads it, or a ModerationError naming the bad field. */
function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.');
  throw new ModerationError(`${field ? `${field}: ` : ''}${issue?.message ?? 'invalid request'}`);
}
