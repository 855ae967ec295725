/** A SCRAM exchange the host started (`challenge` sent) and the client has not answered yet. */
export interface PendingChallenge {
  room: string;
  /** The client-first message without its GS2 header, and the host's server-first: the AuthMessage's start. */
  clientFirstBare: string;
  serverFirst: string;
  /** The client's nonce followed by the host's: the client-final must repeat it. */
  nonce: string;
  /** The room's verifier when the challenge went out: a password changed meanwhile fails the proof. */
  verifier: string;
  /** The `join`'s `since`, for the history page after `joined`. */
  since: number | undefined;
}

export interface ChallengeLimits {
  challengeTimeoutMs: number;
  maxChallengesPerConnection: number;
  maxChallenges: number;
}

interface Entry<O> {
  owner: O;
  challenge: PendingChallenge;
  timer: NodeJS.Timeout;
}

/**
 * The host's open challenges, bounded per connection and in total, each for `challengeTimeoutMs`:
 * a client that asks and never answers holds a place only that long. `onExpire` hears of every
 * challenge that ends unanswered (timeout or connection gone), to count it as a failed try.
 */
export class ChallengeTable<O extends object> {
  readonly #limits: ChallengeLimits;
  readonly #onExpire: (owner: O, challenge: PendingChallenge) => void;
  readonly #byOwner = new Map<O, Map<string, Entry<O>>>();
  #size = 0;

  constructor(limits: ChallengeLimits, onExpire: (owner: O, challenge: PendingChallenge) => void) {
    this.#limits = limits;
    this.#onExpire = onExpire;
  }

  /** Challenges open now, over every connection. */
  get size(): number {
    return this.#size;
  }

  /** Why `owner` may not open another challenge now (its own cap, or the host's), or null. */
  full(owner: O): 'connection' | 'host' | null {
    if ((this.#byOwner.get(owner)?.size ?? 0) >= this.#limits.maxChallengesPerConnection) return 'connection';
    return this.#size >= this.#limits.maxChallenges ? 'host' : null;
  }

  /** Open a challenge; the caller checked `full` and that none is open for this room. */
  open(owner: O, challenge: PendingChallenge): void {
    let mine = this.#byOwner.get(owner);
    if (!mine) this.#byOwner.set(owner, (mine = new Map()));
    const timer = setTimeout(() => this.#expire(owner, challenge.room), this.#limits.challengeTimeoutMs).unref();
    mine.set(challenge.room, { owner, challenge, timer });
    this.#size++;
  }

  /** The open challenge of `owner` for `room`, removed: each is answered at most once. */
  take(owner: O, room: string): PendingChallenge | undefined {
    const entry = this.#remove(owner, room);
    if (entry) clearTimeout(entry.timer);
    return entry?.challenge;
  }

  /** The connection is gone: its challenges end unanswered. */
  dropAll(owner: O): void {
    for (const room of [...(this.#byOwner.get(owner)?.keys() ?? [])]) {
      const entry = this.#remove(owner, room)!;
      clearTimeout(entry.timer);
      this.#onExpire(owner, entry.challenge);
    }
  }

  #expire(owner: O, room: string): void {
    const entry = this.#remove(owner, room);
    if (entry) this.#onExpire(owner, entry.challenge);
  }

  #remove(owner: O, room: string): Entry<O> | undefined {
    const mine = this.#byOwner.get(owner);
    const entry = mine?.get(room);
    if (!mine || !entry) return undefined;
    mine.delete(room);
    if (mine.size === 0) this.#byOwner.delete(owner);
    this.#size--;
    return entry;
  }
}
