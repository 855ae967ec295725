import type { Member, RoomInfo } from '../../../shared/protocol/index.ts';

/** Whatever the hub delivers room traffic to: a member's connection, in practice. */
export interface Recipient {
  /** Public member id, fresh per connection. */
  readonly id: string;
  readonly nick: string;
  /** Write one already-encoded WebSocket frame. */
  deliver(frame: Buffer): void;
  /** Bytes written to it and not yet sent (a socket's `bufferedAmount`); absent when unknown. */
  readonly queuedBytes?: number;
}

/** A room: its stored identity and who is in it now. Only the hub changes `members`. */
export class Room {
  readonly id: number;
  readonly name: string;
  /** An scrypt hash from before SCRAM, kept until the operator gives the password again; then null. */
  passwordHash: string | null;
  /** The SCRAM-SHA-256 verifier of the room's password (auth/scram-verifier.ts), or null. */
  verifier: string | null;
  readonly members = new Map<string, Recipient>();

  constructor(id: number, name: string, passwordHash: string | null, verifier: string | null = null) {
    this.id = id;
    this.name = name;
    this.passwordHash = passwordHash;
    this.verifier = verifier;
  }

  /** What the room's password is stored as: join tokens and tickets are bound to it, so they end when it changes. */
  get credential(): string | null {
    return this.verifier ?? this.passwordHash;
  }

  get locked(): boolean {
    return this.credential !== null;
  }

  memberList(): Member[] {
    return [...this.members.values()].map((m) => ({ id: m.id, nick: m.nick }));
  }

  info(head: number): RoomInfo {
    return { name: this.name, head, members: this.members.size, locked: this.locked };
  }
}
