import type { HostFrame, Member, RoomInfo } from '../../shared/protocol/index.ts';
import type { Session } from './session.ts';
import { encodeTextFrame } from './text-frame.ts';

/** A room on this host: its stored identity and who is in it now. Removed from memory never; rooms are few. */
export class Room {
  readonly id: number;
  readonly name: string;
  passwordHash: string | null;
  readonly members = new Map<string, Session>();

  constructor(id: number, name: string, passwordHash: string | null) {
    this.id = id;
    this.name = name;
    this.passwordHash = passwordHash;
  }

  memberList(): Member[] {
    return [...this.members.values()].map((s) => ({ id: s.id, nick: s.nick }));
  }

  info(head: number): RoomInfo {
    return { name: this.name, head, members: this.members.size, locked: this.passwordHash !== null };
  }

  /** Encode once, write the same bytes to every member (but `except`). */
  broadcast(frame: HostFrame, except?: Session): void {
    if (this.members.size === 0) return;
    const bytes = encodeTextFrame(JSON.stringify(frame));
    for (const member of this.members.values()) {
      if (member !== except) member.write(bytes);
    }
  }
}
