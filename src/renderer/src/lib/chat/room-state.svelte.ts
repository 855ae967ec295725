import type { ErrorCode, Member, StoredMessage } from '../../../../shared/protocol/index.ts';

export interface TypingMember {
  member: string;
  nick: string;
  /** When this typing notice expires (the host does not track typing; notices are re-sent every few s). */
  until: number;
}

/** How long a typing notice lasts without a refresh. */
export const TYPING_TTL_MS = 6000;

/**
 * One joined room on one host: its messages in sequence order, members, typing and unread count.
 * Messages live in a plain array (100,000 of them must not become 100,000 proxies); `version`
 * is the signal views read to know it changed.
 */
export class RoomState {
  readonly name: string;
  readonly #messages: StoredMessage[] = [];
  // Private bookkeeping, deliberately not reactive: `version` is the signal.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #seqs = new Set<number>();
  /** Bumped on every change to the message list. */
  version = $state(0);
  members = $state.raw<Member[]>([]);
  typing = $state.raw<TypingMember[]>([]);
  /** Newest sequence number the host has told us of. */
  head = $state(0);
  unread = $state(0);
  joined = $state(false);
  /**
   * The error code of the last failed join (password, room gone …), or `host_unverified` when the
   * host admitted us without proving it knows the room's password; the UI words it.
   */
  joinError = $state<ErrorCode | 'host_unverified' | null>(null);
  /** When the next password try may go (ms since epoch: arrival + retryAfterMs), or null: now. */
  joinRetryAt = $state<number | null>(null);
  /** Joins the host refused since the last admission: each one is shown afresh, so a retry visibly got its answer. */
  joinRefusals = $state(0);
  /**
   * Until when the host said we are muted here (ms since epoch; Infinity: until unmuted), or null.
   * Learned from its `muted` refusals; a message it takes again (an ack) clears it.
   */
  mutedUntil = $state<number | null>(null);
  /** True once the oldest message of the room is loaded. */
  reachedStart = $state(false);
  loadingOlder = $state(false);
  /**
   * Every message from the first join's resume point up to here is held: the point a reconnect
   * resumes from. Undefined until the first join.
   */
  contiguousUpTo: number | undefined;
  /** The typed password, in memory only until the host answered the SCRAM exchange (net/room-auth.ts). */
  password: string | undefined;
  /** An invite's join token, standing in for the password (memory only). State: the room view gates on it. */
  token = $state<string | undefined>();
  /** The session ticket of the last SCRAM join: reconnects present it instead of the password (memory only). */
  ticket = $state<string | undefined>();
  /** Admitted at least once on this page (a resume point exists): set on `joined`, forgotten by reset(). */
  everJoined = $state(false);

  constructor(name: string) {
    this.name = name;
  }

  /** Oldest first. Reading it subscribes to changes. */
  get messages(): readonly StoredMessage[] {
    void this.version;
    return this.#messages;
  }

  get count(): number {
    void this.version;
    return this.#messages.length;
  }

  get oldestSeq(): number | undefined {
    return this.#messages[0]?.seq;
  }

  has(seq: number): boolean {
    return this.#seqs.has(seq);
  }

  /** The highest seq held that is at most `seq`, if any. */
  floorSeq(seq: number): number | undefined {
    const messages = this.#messages;
    let lo = 0;
    let hi = messages.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (messages[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? messages[lo - 1]!.seq : undefined;
  }

  /** Add messages not held yet, keeping sequence order. Returns the ones that were new. */
  insert(incoming: readonly StoredMessage[]): StoredMessage[] {
    const fresh = incoming.filter((m) => !this.#seqs.has(m.seq));
    if (fresh.length === 0) return fresh;
    for (const m of fresh) this.#seqs.add(m.seq);
    const last = this.#messages.at(-1)?.seq ?? 0;
    const sorted = fresh.every((m, i) => i === 0 || fresh[i - 1]!.seq < m.seq);
    if (sorted && fresh[0]!.seq > last) {
      this.#messages.push(...fresh); // the common case: live messages at the end
    } else {
      this.#messages.push(...fresh);
      this.#messages.sort((a, b) => a.seq - b.seq);
    }
    const newest = this.#messages.at(-1)!.seq;
    if (newest > this.head) this.head = newest;
    this.#advanceContiguous();
    this.version++;
    return fresh;
  }

  #advanceContiguous(): void {
    if (this.contiguousUpTo === undefined) return;
    while (this.#seqs.has(this.contiguousUpTo + 1)) this.contiguousUpTo++;
  }

  /** Forget every message and the resume point: the host's history for this room is not the one we hold. */
  reset(): void {
    this.#messages.length = 0;
    this.#seqs.clear();
    this.contiguousUpTo = undefined;
    this.reachedStart = false;
    this.head = 0;
    this.everJoined = false;
    this.version++;
  }

  /** The host refused a join with `code` (as the user should see it), asking to wait `retryAfterMs` before the next try. */
  refuseJoin(code: ErrorCode | 'host_unverified', retryAfterMs: number | undefined, now: number): void {
    this.joinError = code;
    this.joinRetryAt = retryAfterMs ? now + retryAfterMs : null;
    this.joinRefusals++;
  }

  /** Called on `joined`: the first join starts the contiguous run at the head (older history is paged in separately). */
  markJoined(head: number, members: Member[]): void {
    this.joined = true;
    this.everJoined = true;
    this.joinError = null;
    this.joinRetryAt = null;
    this.joinRefusals = 0;
    this.members = members;
    if (head > this.head) this.head = head;
    if (this.contiguousUpTo === undefined) this.contiguousUpTo = head;
    this.#advanceContiguous();
  }

  memberJoined(member: Member): void {
    this.members = [...this.members.filter((m) => m.id !== member.id), member];
  }

  memberLeft(memberId: string): void {
    this.members = this.members.filter((m) => m.id !== memberId);
    this.typing = this.typing.filter((t) => t.member !== memberId);
  }

  memberRenamed(member: Member): void {
    this.members = this.members.map((m) => (m.id === member.id ? member : m));
  }

  setTyping(member: string, nick: string, active: boolean, now: number): void {
    const others = this.typing.filter((t) => t.member !== member && t.until > now);
    this.typing = active ? [...others, { member, nick, until: now + TYPING_TTL_MS }] : others;
  }

  /** Drop expired typing notices; returns whether anything changed. */
  expireTyping(now: number): boolean {
    const kept = this.typing.filter((t) => t.until > now);
    if (kept.length === this.typing.length) return false;
    this.typing = kept;
    return true;
  }
}
