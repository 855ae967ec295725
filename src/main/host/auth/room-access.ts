import type { ErrorCode } from '../../../shared/protocol/index.ts';
import type { Room } from '../rooms/room.ts';
import { joinTokenDigest, joinTokenSecret, verifyJoinToken, type SecretStore } from './join-token.ts';
import type { PasswordBackoff } from './password-backoff.ts';
import { verifySessionTicket } from './session-ticket.ts';

/** What a `join` without `auth` may carry instead of the password, and who sends it. */
export interface Credentials {
  token?: string | undefined;
  ticket?: string | undefined;
  /** The sender's device tag: tickets are bound to it. */
  device: string;
}

/** A refusal, as data: the handler turns it into an error frame. */
export interface AccessRefusal {
  code: Extract<ErrorCode, 'password_required' | 'auth_backoff' | 'wrong_password' | 'ticket_refused'>;
  retryAfterMs?: number;
  message?: string;
}

export interface RoomAccessOptions {
  backoff: PasswordBackoff;
  secrets: SecretStore;
  clock: () => number;
  /** This host's id: tickets are bound to it. */
  hostId: () => string;
}

/**
 * Who may enter a locked room without a password exchange: an invite's join token or the session
 * ticket of an earlier SCRAM join (scram-join.ts does the password itself), under the backoff of
 * password-backoff.ts: a bad token or ticket counts as a wrong password. `address` is the
 * sender's address group (upgrade-gate.ts). Open rooms let everyone in.
 */
export class RoomAccess {
  readonly #backoff: PasswordBackoff;
  readonly #secrets: SecretStore;
  readonly #clock: () => number;
  readonly #hostId: () => string;

  constructor({ backoff, secrets, clock, hostId }: RoomAccessOptions) {
    this.#backoff = backoff;
    this.#secrets = secrets;
    this.#clock = clock;
    this.#hostId = hostId;
  }

  /** Null when `address` may enter `room` with these credentials, else why not. */
  check(address: string, room: Room, { token, ticket, device }: Credentials): AccessRefusal | null {
    const credential = room.credential;
    if (credential === null) return null;
    if (token === undefined && ticket === undefined) return { code: 'password_required' };
    // Counted from here, as every password try is.
    const refused = this.#backoff.begin(address, room.name, this.#clock());
    if (refused) return { code: 'auth_backoff', ...refused };
    let check: ReturnType<typeof verifyJoinToken> | undefined;
    try {
      const secret = joinTokenSecret(this.#secrets);
      const now = this.#clock();
      if (ticket !== undefined) {
        const binding = { hostId: this.#hostId(), room: room.name, device, verifier: room.verifier ?? '' };
        check = room.verifier === null ? 'invalid' : verifySessionTicket(secret, binding, ticket, now);
      } else {
        check = verifyJoinToken(secret, room.name, token!, credential, now);
        if (check === 'ok' && this.#secrets.isJoinTokenRevoked(joinTokenDigest(token!))) check = 'revoked';
      }
    } catch (error) {
      // A check that threw counts as a failure, so errors cannot be used to guess for free.
      this.#backoff.finish(address, room.name, false, this.#clock());
      throw error;
    }
    const wait = this.#backoff.finish(address, room.name, check === 'ok', this.#clock());
    if (check === 'ok') return null;
    if (ticket !== undefined)
      return {
        code: 'ticket_refused',
        retryAfterMs: wait,
        message:
          check === 'expired'
            ? 'The session ticket expired; join with the password.'
            : 'The session ticket is not valid here (another room, device or host, or the password changed).',
      };
    return {
      code: 'wrong_password',
      retryAfterMs: wait,
      message:
        check === 'expired' || check === 'revoked'
          ? `The join token was ${check === 'expired' ? 'valid until it expired' : 'revoked'}.`
          : 'The join token is not valid.',
    };
  }
}
