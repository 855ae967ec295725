import type { ClientFrameInput, ErrorCode, HostFrameOf } from '../../../../shared/protocol/index.ts';
import { SCRAM_MECHANISM, ScramClient, scramNonce } from '../../../../shared/scram.ts';
import { scramPrimitives } from './scram-primitives.ts';

/** What a room keeps to get in again: memory only, never storage. */
export interface RoomCredentials {
  readonly name: string;
  /** The password the user typed, held only until the host answered a SCRAM exchange with it. */
  password: string | undefined;
  /** An invite's join token. */
  token: string | undefined;
  /** The session ticket of the last SCRAM join: what reconnects present instead of the password. */
  ticket: string | undefined;
}

type JoinCredentials = Pick<Extract<ClientFrameInput, { type: 'join' }>, 'auth' | 'token' | 'ticket'>;

/** Errors after which the typed password has served its turn: the user is asked again. */
const SPENT: readonly ErrorCode[] = [
  'wrong_password',
  'auth_backoff',
  'too_many_challenges',
  'no_challenge',
  'password_upgrade_required',
  'password_in_clear',
];

/**
 * Room passwords on the client side: a `join` carries a ticket when the room has one, else a SCRAM
 * exchange when a password was typed, else the invite's token. The password never leaves this
 * object: only SCRAM messages do, and it is forgotten once the host has answered. A host that
 * admits us without the ServerSignature of the room's verifier is not trusted (`host_unverified`).
 */
export class RoomAuth {
  readonly #exchanges = new Map<string, ScramClient>();

  /** The credential fields of the next `join` of `room`. */
  joinFields(room: RoomCredentials): JoinCredentials {
    this.#exchanges.delete(room.name);
    if (room.ticket !== undefined) return { ticket: room.ticket };
    if (room.password !== undefined) {
      const exchange = new ScramClient(room.name, room.password, scramNonce(), scramPrimitives());
      this.#exchanges.set(room.name, exchange);
      return { auth: { mechanism: SCRAM_MECHANISM, clientFirst: exchange.clientFirst } };
    }
    return room.token !== undefined ? { token: room.token } : {};
  }

  /**
   * The client-final message for the host's challenge (one PBKDF2 run); `none` when no exchange
   * waits for it (or the connection it was for closed meanwhile); `refused` for a challenge a client
   * must not answer (another nonce, a cost out of range).
   */
  async answer(challenge: HostFrameOf<'challenge'>): Promise<string | 'none' | 'refused'> {
    const exchange = this.#exchanges.get(challenge.room);
    if (!exchange) return 'none';
    let final: string;
    try {
      final = await exchange.answer(challenge.serverFirst);
    } catch {
      this.#exchanges.delete(challenge.room);
      return 'refused';
    }
    return this.#exchanges.get(challenge.room) === exchange ? final : 'none';
  }

  /**
   * `joined` arrived for `room`. True when it may be trusted: no exchange was running (an open room,
   * a ticket, a token), or the host proved it holds the verifier. Then the ticket replaces the password.
   */
  joined(room: RoomCredentials, frame: HostFrameOf<'joined'>): boolean {
    const exchange = this.#exchanges.get(room.name);
    this.#exchanges.delete(room.name);
    if (!exchange) return true;
    // Rejoining a room this connection is already in: the host does not check again, nor do we.
    if (frame.serverFinal === undefined && frame.ticket === undefined) return true;
    room.password = undefined;
    if (frame.serverFinal === undefined || !exchange.verifyServer(frame.serverFinal)) return false;
    room.ticket = frame.ticket;
    return true;
  }

  /**
   * The host refused a join of `room` with `code`. Returns the code the user should see: a refused
   * ticket is forgotten and the password asked for.
   */
  refused(room: RoomCredentials, code: ErrorCode): ErrorCode {
    if (code === 'ticket_refused') {
      room.ticket = undefined;
      return 'password_required';
    }
    if (this.#exchanges.delete(room.name) || SPENT.includes(code)) room.password = undefined;
    return code;
  }

  /** A challenge the client could not answer: the password is dropped with the exchange. */
  abandon(room: RoomCredentials): void {
    this.#exchanges.delete(room.name);
    room.password = undefined;
  }

  /** The connection closed: exchanges in flight are void (a reconnect starts new ones). */
  reset(): void {
    this.#exchanges.clear();
  }
}
