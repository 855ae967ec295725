import type { ErrorCode } from '../../../shared/protocol/index.ts';
import {
  authMessage,
  CHANNEL_BINDING,
  formatServerFirst,
  parseClientFinal,
  parseClientFirst,
  scramNonce,
  serverSignature,
  toBase64,
  verifyClientProof,
} from '../../../shared/scram.ts';
import type { Room } from '../rooms/room.ts';
import type { Session } from '../session.ts';
import { ChallengeTable, type ChallengeLimits } from './challenges.ts';
import { joinTokenSecret, type SecretStore } from './join-token.ts';
import type { PasswordBackoff } from './password-backoff.ts';
import { parseVerifier } from './scram-verifier.ts';
import { issueSessionTicket } from './session-ticket.ts';

/** A refusal, as data: the handler turns it into an error frame. */
export interface ScramRefusal {
  code: Extract<
    ErrorCode,
    | 'password_upgrade_required'
    | 'invalid_frame'
    | 'too_many_challenges'
    | 'auth_backoff'
    | 'no_challenge'
    | 'wrong_password'
  >;
  retryAfterMs?: number;
  message?: string;
}

/** What a right proof earns: the fields `joined` adds, and the join's `since`. */
export interface ScramAdmission {
  since: number | undefined;
  joined: { serverFinal: string; ticket: string; ticketExpiresAt: number };
}

export interface ScramJoinsOptions {
  backoff: PasswordBackoff;
  secrets: Pick<SecretStore, 'meta'>;
  limits: ChallengeLimits & { sessionTicketTtlMs: number };
  clock: () => number;
  hostId: () => string;
}

/**
 * Room passwords by SCRAM-SHA-256: `join.auth` opens a challenge, `auth-proof` answers it. A try
 * is counted by the backoff when the challenge goes out (the same budget as join tokens), and
 * ends when the proof is checked, or as a failure when the challenge times out or its connection
 * goes. A right proof earns the host's ServerSignature and a session ticket.
 */
export class ScramJoins {
  readonly #backoff: PasswordBackoff;
  readonly #secrets: Pick<SecretStore, 'meta'>;
  readonly #limits: ScramJoinsOptions['limits'];
  readonly #clock: () => number;
  readonly #hostId: () => string;
  readonly #challenges: ChallengeTable<Session>;

  constructor({ backoff, secrets, limits, clock, hostId }: ScramJoinsOptions) {
    this.#backoff = backoff;
    this.#secrets = secrets;
    this.#limits = limits;
    this.#clock = clock;
    this.#hostId = hostId;
    this.#challenges = new ChallengeTable<Session>(limits, (session, challenge) => {
      // Unanswered counts as wrong: asking and walking away must not reset or dodge the backoff.
      this.#backoff.finish(session.address, challenge.room, false, this.#clock());
      session.pendingJoins.delete(challenge.room);
    });
  }

  /** Challenges open now, over every connection. */
  get openChallenges(): number {
    return this.#challenges.size;
  }

  /**
   * Open a challenge for `session` to join locked `room` with the client-first message (already
   * checked by the frame's schema). Returns the server-first message, or why not.
   */
  challenge(session: Session, room: Room, clientFirst: string, since: number | undefined): string | ScramRefusal {
    const verifier = room.verifier === null ? null : parseVerifier(room.verifier);
    if (verifier === null) return { code: 'password_upgrade_required' };
    const first = parseClientFirst(clientFirst)!;
    if (first.user !== room.name)
      return { code: 'invalid_frame', message: 'auth.clientFirst: the user name (n=) must be the room’s name' };
    if (this.#challenges.full(session))
      return { code: 'too_many_challenges', retryAfterMs: this.#limits.challengeTimeoutMs };
    // Counted from here: a second challenge for this address and room waits until this one ends.
    const refused = this.#backoff.begin(session.address, room.name, this.#clock());
    if (refused) return { code: 'auth_backoff', ...refused };
    const nonce = first.nonce + scramNonce();
    const serverFirst = formatServerFirst(nonce, verifier.salt, verifier.iterations);
    this.#challenges.open(session, {
      room: room.name,
      clientFirstBare: first.bare,
      serverFirst,
      nonce,
      verifier: room.verifier!,
      since,
    });
    session.pendingJoins.add(room.name);
    return serverFirst;
  }

  /**
   * Check the client-final message against the open challenge of `session` for `roomName`; the
   * challenge is used up either way, so a replayed proof finds none (`no_challenge`) or another
   * nonce (`wrong_password`). `room` is the room as it is now (undefined: removed).
   */
  async prove(
    session: Session,
    roomName: string,
    room: Room | undefined,
    clientFinal: string,
  ): Promise<ScramAdmission | ScramRefusal> {
    const challenge = this.#challenges.take(session, roomName);
    if (!challenge) return { code: 'no_challenge' };
    let signature: Uint8Array | null = null;
    try {
      const final = parseClientFinal(clientFinal)!;
      const verifier = parseVerifier(challenge.verifier)!;
      const message = authMessage(challenge.clientFirstBare, challenge.serverFirst, final.withoutProof);
      const accepted =
        final.channelBinding === CHANNEL_BINDING &&
        final.nonce === challenge.nonce &&
        room?.verifier === challenge.verifier &&
        (await verifyClientProof(verifier.storedKey, message, final.proof));
      if (accepted) signature = await serverSignature(verifier.serverKey, message);
    } catch (error) {
      // A check that threw counts as a failure, so errors cannot be used to guess for free.
      this.#backoff.finish(session.address, roomName, false, this.#clock());
      throw error;
    }
    const wait = this.#backoff.finish(session.address, roomName, signature !== null, this.#clock());
    if (signature === null) return { code: 'wrong_password', retryAfterMs: wait };
    const ticketExpiresAt = Math.floor(this.#clock() + this.#limits.sessionTicketTtlMs);
    const ticket = issueSessionTicket(
      joinTokenSecret(this.#secrets),
      { hostId: this.#hostId(), room: roomName, device: session.deviceTag, verifier: challenge.verifier },
      ticketExpiresAt,
    );
    return { since: challenge.since, joined: { serverFinal: `v=${toBase64(signature)}`, ticket, ticketExpiresAt } };
  }

  /** The connection closed: its open challenges end as failed tries. */
  closed(session: Session): void {
    this.#challenges.dropAll(session);
  }
}
