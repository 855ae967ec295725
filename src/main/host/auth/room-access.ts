import type { ErrorCode } from '../../../shared/protocol/index.ts';
import type { Room } from '../rooms/room.ts';
import { joinTokenDigest, joinTokenSecret, verifyJoinToken, type SecretStore } from './join-token.ts';
import { verifyPassword } from './password.ts';
import type { PasswordBackoff } from './password-backoff.ts';

export interface Credentials {
  password?: string | undefined;
  token?: string | undefined;
}

/** A refusal, as data: the handler turns it into an error frame. */
export interface AccessRefusal {
  code: Extract<ErrorCode, 'password_required' | 'auth_backoff' | 'wrong_password'>;
  retryAfterMs?: number;
  message?: string;
}

export interface RoomAccessOptions {
  backoff: PasswordBackoff;
  secrets: SecretStore;
  clock: () => number;
}

/**
 * Who may enter a locked room: the room's password, or an invite's join token, with the backoff of
 * password-backoff.ts. `address` is the sender's address group (upgrade-gate.ts). Open rooms let
 * everyone in.
 */
export class RoomAccess {
  readonly #backoff: PasswordBackoff;
  readonly #secrets: SecretStore;
  readonly #clock: () => number;

  constructor({ backoff, secrets, clock }: RoomAccessOptions) {
    this.#backoff = backoff;
    this.#secrets = secrets;
    this.#clock = clock;
  }

  /** Null when `address` may enter `room` with these credentials, else why not. */
  async check(address: string, room: Room, credentials: Credentials): Promise<AccessRefusal | null> {
    const hash = room.passwordHash;
    if (hash === null) return null;
    const { password, token } = credentials;
    if (password === undefined && token === undefined) return { code: 'password_required' };
    // Counted from here, before the slow part: repeats while this check runs are refused.
    const refused = this.#backoff.begin(address, room.name, this.#clock());
    if (refused) return { code: 'auth_backoff', ...refused };
    let accepted: boolean;
    let tokenCheck: ReturnType<typeof verifyJoinToken> | undefined;
    try {
      // An invite's join token stands in for the password; a bad one counts as a wrong password.
      if (token !== undefined) {
        tokenCheck = verifyJoinToken(joinTokenSecret(this.#secrets), room.name, token, hash, this.#clock());
        if (tokenCheck === 'ok' && this.#secrets.isJoinTokenRevoked(joinTokenDigest(token))) tokenCheck = 'revoked';
      }
      accepted = tokenCheck === 'ok' || (password !== undefined && (await verifyPassword(password, hash)));
    } catch (error) {
      // A check that threw counts as a failure, so errors cannot be used to guess for free.
      this.#backoff.finish(address, room.name, false, this.#clock());
      throw error;
    }
    const wait = this.#backoff.finish(address, room.name, accepted, this.#clock());
    if (accepted) return null;
    const refusal: AccessRefusal = { code: 'wrong_password', retryAfterMs: wait };
    if (password === undefined)
      refusal.message =
        tokenCheck === 'expired' || tokenCheck === 'revoked'
          ? `The join token was ${tokenCheck === 'expired' ? 'valid until it expired' : 'revoked'}.`
          : 'The join token is not valid.';
    return refusal;
  }
}
