import type { ErrorCode } from '../../../shared/protocol/index.ts';
import type { Room } from '../rooms/room.ts';
import { joinTokenSecret, verifyJoinToken, type SecretStore } from './join-token.ts';
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
 * Who may enter a locked room: the room's password, or an invite's join token, with a backoff per
 * address and room after wrong tries. Open rooms let everyone in.
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
    const key = `${address}|${room.name}`;
    const wait = this.#backoff.waitFor(key, this.#clock());
    if (wait > 0) return { code: 'auth_backoff', retryAfterMs: wait };
    // An invite's join token stands in for the password; a bad one counts as a wrong password.
    const tokenCheck =
      token === undefined
        ? undefined
        : verifyJoinToken(joinTokenSecret(this.#secrets), room.name, token, hash, this.#clock());
    if (tokenCheck === 'ok' || (password !== undefined && (await verifyPassword(password, hash)))) {
      this.#backoff.succeeded(key);
      return null;
    }
    this.#backoff.failed(key, this.#clock());
    const refusal: AccessRefusal = { code: 'wrong_password', retryAfterMs: this.#backoff.waitFor(key, this.#clock()) };
    if (password === undefined)
      refusal.message = `The join token is ${tokenCheck === 'expired' ? 'expired' : 'not valid'}.`;
    return refusal;
  }
}
