import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  messageKindSchemas,
  roomName,
  type HostFrame,
  type MessageContent,
  type MessageSource,
  type RoomInfo,
  type StoredMessage,
} from '../../../shared/protocol/index.ts';
import type { Logger } from '../../logger.ts';
import { GroupCommit, type AppendResult, type MessageStore, type Page, type SearchResult } from '../../store/index.ts';
import { encodeTextFrame } from '../text-frame.ts';
import type { CorkScope } from './cork-scope.ts';
import { Room, type Recipient } from './room.ts';

/** Who a post is from. Members carry their device tag; every other source the reserved tag `host`. */
export interface PostAuthor {
  nick: string;
  device: string;
  source: MessageSource;
}

export interface Post {
  content: MessageContent;
  from: PostAuthor;
  /** The poster's own id, unique per device: a retry with the same id is stored once. Default: a fresh one. */
  id?: string;
  /**
   * True when `content` was already read with its kind's schema (by `check`, or as a decoded frame
   * whose fields use the same schemas), so the hot path does not validate every message twice.
   */
  checked?: boolean;
}

export interface PostResult extends AppendResult {
  id: string;
}

/** Runs once the post is stored (or could not be), before the broadcast goes out. */
export type PostCallback = (error: Error | null, result?: PostResult) => void;

/**
 * Decides, member by member, whether a post's broadcast is written to it; default every member. A
 * feed uses it to skip viewers whose socket is still full of earlier lines.
 */
export type DeliverFilter = (member: Recipient) => boolean;

/** The device tag of every post that is not a member's. No member's tag can equal it (those are hex). */
export const HOST_DEVICE = 'host';

export interface RoomHubEvents {
  join: [room: Room, member: Recipient];
  leave: [room: Room, member: Recipient];
  message: [room: Room, message: StoredMessage];
}

export interface RoomHubOptions {
  store: MessageStore;
  cork: CorkScope;
  clock: () => number;
  logger: Logger;
  maxCommitBatch: number;
  /** Bytes of messages one history page holds at most (the page is cut, with `more`). */
  maxPageBytes: number;
}

/**
 * Every room on the host and everything that goes into one: membership, sequence numbers (through
 * the store), idempotent retries, durable storage in group commits, and fan-out. A member's
 * connection is one source of posts; the operator, the host itself and feeds are others, all
 * through `post`. Transport (sockets, frames, HTTP) stays outside.
 */
export class RoomHub extends EventEmitter<RoomHubEvents> {
  readonly #rooms = new Map<string, Room>();
  /** The same rooms by their stored id (what files and feeds refer to). */
  readonly #roomsById = new Map<number, Room>();
  /**
   * The other side of `Room.members`, kept in step by `join`/`leave` only. An array, not a Map: a
   * member is in a few rooms (at most maxRoomsPerConnection), and idle connections stay small.
   */
  readonly #joined = new Map<Recipient, Room[]>();
  readonly #store: MessageStore;
  readonly #commit: GroupCommit;
  readonly #cork: CorkScope;
  readonly #clock: () => number;
  readonly #logger: Logger;
  readonly #maxPageBytes: number;

  constructor({ store, cork, clock, logger, maxCommitBatch, maxPageBytes }: RoomHubOptions) {
    super();
    this.#store = store;
    this.#cork = cork;
    this.#clock = clock;
    this.#logger = logger;
    this.#maxPageBytes = maxPageBytes;
    // A batch's callbacks (acks) and broadcasts run in one cork scope: one write per socket per batch.
    this.#commit = new GroupCommit(store, {
      maxBatch: maxCommitBatch,
      around: (run) => cork.run(run),
      onCallbackError: (error) =>
        logger.error(
          `a stored message's callback failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
    });
    for (const r of store.listRooms()) this.#add(new Room(r.id, r.name, r.passwordHash, r.verifier));
  }

  get(name: string): Room | undefined {
    return this.#rooms.get(name);
  }

  /** The room with this stored id. */
  byId(id: number): Room | undefined {
    return this.#roomsById.get(id);
  }

  #add(room: Room): void {
    this.#rooms.set(room.name, room);
    this.#roomsById.set(room.id, room);
  }

  /** Every room. */
  rooms(): Room[] {
    return [...this.#rooms.values()];
  }

  /** Every room's info, by name. */
  list(): RoomInfo[] {
    return [...this.#rooms.values()]
      .map((room) => room.info(this.#store.head(room.id)))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The room of that name, created (and stored) when it does not exist. */
  ensure(name: string): Room {
    const valid = roomName.safeParse(name);
    if (!valid.success)
      throw new TypeError(`invalid room name ${JSON.stringify(name)}: ${valid.error.issues[0]?.message}`);
    let room = this.#rooms.get(name);
    if (!room) {
      const record = this.#store.ensureRoom(name, this.#clock());
      room = new Room(record.id, record.name, record.passwordHash, record.verifier);
      this.#add(room);
    }
    return room;
  }

  /** Lock the room with a SCRAM verifier (null: open it). Either way the old scrypt hash is gone. */
  setVerifier(room: Room, verifier: string | null): void {
    this.#store.setRoomVerifier(room.id, verifier);
    room.verifier = verifier;
    room.passwordHash = null;
  }

  head(room: Room): number {
    return this.#store.head(room.id);
  }

  // Membership ------------------------------------------------------------------------------------

  /** Rooms `member` is in. */
  roomsOf(member: Recipient): readonly Room[] {
    return this.#joined.get(member) ?? EMPTY;
  }

  /** The room of that name, when `member` is in it. */
  joinedRoom(member: Recipient, name: string): Room | undefined {
    return this.#joined.get(member)?.find((room) => room.name === name);
  }

  isIn(member: Recipient, room: Room): boolean {
    return room.members.get(member.id) === member;
  }

  /** Put `member` in the room and tell the others. False when it was already in (nothing changes). */
  join(room: Room, member: Recipient): boolean {
    if (this.isIn(member, room)) return false;
    room.members.set(member.id, member);
    const rooms = this.#joined.get(member);
    if (rooms) rooms.push(room);
    else this.#joined.set(member, [room]);
    this.broadcast(room, { type: 'presence', room: room.name, event: 'join', member: memberOf(member) }, member);
    this.emit('join', room, member);
    return true;
  }

  /** Take `member` out of the room and tell the others. False when it was not in. */
  leave(room: Room, member: Recipient): boolean {
    if (!this.isIn(member, room)) return false;
    room.members.delete(member.id);
    const rooms = this.#joined.get(member) ?? [];
    rooms.splice(rooms.indexOf(room), 1);
    if (rooms.length === 0) this.#joined.delete(member);
    this.broadcast(room, { type: 'presence', room: room.name, event: 'leave', member: memberOf(member) });
    this.emit('leave', room, member);
    return true;
  }

  /** Take `member` out of every room (its connection closed). */
  leaveAll(member: Recipient): void {
    for (const room of [...this.roomsOf(member)]) this.leave(room, member);
  }

  /** Tell every room `member` is in that its nickname changed (the member already carries the new one). */
  renamed(member: Recipient, previousNick: string): void {
    for (const room of this.roomsOf(member)) {
      this.broadcast(room, {
        type: 'presence',
        room: room.name,
        event: 'nick',
        member: memberOf(member),
        previousNick,
      });
    }
  }

  // Traffic ---------------------------------------------------------------------------------------

  /** Send a frame that is not stored (presence, typing) to every member but `except`: encoded once. */
  broadcast(room: Room, frame: HostFrame, except?: Recipient): void {
    if (room.members.size === 0 || (room.members.size === 1 && except && this.isIn(except, room))) return;
    this.#fanOut(room, encodeTextFrame(JSON.stringify(frame)), except);
  }

  /**
   * Store a post and broadcast it to the room. The content is checked against its kind's schema
   * first, unless `post.checked` says it was (a bad post throws, nothing is stored). `done` runs after the commit, before the
   * broadcast, inside the batch's cork scope: an ack written there reaches its socket in the same
   * write as the broadcast, ahead of it. A retry of a stored id gets the original's seq and is not
   * broadcast again.
   */
  post(room: Room, post: Post, done?: PostCallback, deliverTo?: DeliverFilter): void {
    const content = post.checked ? post.content : this.check(post.content);
    const id = post.id ?? randomBytes(12).toString('base64url');
    const { from } = post;
    const body = 'body' in content ? content.body : undefined;
    this.#commit.append(
      {
        roomId: room.id,
        clientId: id,
        device: from.device,
        nick: from.nick,
        source: from.source,
        kind: content.kind,
        text: content.text,
        body: body === undefined ? null : JSON.stringify(body),
        ts: this.#clock(),
      },
      (error, result) => {
        if (error || !result) {
          this.#logger.error(`storing a ${content.kind} message in ${room.name} failed: ${error?.message}`);
          done?.(error ?? new Error('no result'));
          return;
        }
        // The poster's callback (the ack) first; a callback that throws must not cost the room the broadcast.
        try {
          done?.(null, { ...result, id });
        } finally {
          if (!result.duplicate) this.#broadcastStored(room, id, from, content, body, result, deliverTo);
        }
      },
    );
  }

  /** Send a newly stored message to the room's members and tell listeners (feeds, files). */
  #broadcastStored(
    room: Room,
    id: string,
    from: PostAuthor,
    content: MessageContent,
    body: unknown,
    result: AppendResult,
    deliverTo: DeliverFilter | undefined,
  ): void {
    const message: StoredMessage = {
      seq: result.seq,
      id,
      from: from.source === 'member' ? { nick: from.nick, device: from.device } : from,
      kind: content.kind,
      text: content.text,
      ...(body === undefined ? {} : { body: body as Record<string, unknown> }),
      ts: result.ts,
    };
    if (room.members.size > 0) {
      const bytes = encodeTextFrame(JSON.stringify({ type: 'message', room: room.name, ...message }));
      this.#fanOut(room, bytes, undefined, deliverTo);
    }
    this.emit('message', room, message);
  }

  /** Replace the body of the room's stored message `seq` (a file's hash, once checked). */
  amendBody(room: Room, seq: number, body: Record<string, unknown>): void {
    this.#store.amendBody(room.id, seq, body);
  }

  /** The content as its kind's schema reads it; throws a ZodError naming the bad field. */
  check(content: MessageContent): MessageContent {
    return messageKindSchemas[content.kind].parse(content) as MessageContent;
  }

  /** Up to `limit` messages after `seq` (and before `until`), oldest first, within maxPageBytes. */
  after(room: Room, seq: number, limit: number, until?: number, maxBytes = this.#maxPageBytes): Page {
    return this.#store.after(room.id, seq, limit, until, Math.min(maxBytes, this.#maxPageBytes));
  }

  /** Up to `limit` messages before `seq` (or the newest), oldest first, within maxPageBytes. */
  before(room: Room, seq: number | undefined, limit: number, maxBytes = this.#maxPageBytes): Page {
    return this.#store.before(room.id, seq, limit, Math.min(maxBytes, this.#maxPageBytes));
  }

  /** Full-text search in one room, best first among the newest `candidates` matches. */
  search(room: Room, query: string, limit: number, candidates: number): SearchResult {
    return this.#store.search(room.id, query, limit, { candidates });
  }

  /** Delete the oldest stored batches of feed `feed` in the room, keeping at least its newest `keepLines` lines. */
  pruneFeed(room: Room, feed: string, keepLines: number): number {
    return this.#store.pruneFeed(room.id, feed, keepLines);
  }

  /** Store everything pending now (before shutdown). */
  flush(): void {
    this.#commit.flush();
  }

  #fanOut(room: Room, bytes: Buffer, except?: Recipient, deliverTo?: DeliverFilter): void {
    this.#cork.run(() => {
      for (const member of room.members.values()) {
        if (member !== except && (!deliverTo || deliverTo(member))) member.deliver(bytes);
      }
    });
  }
}

const EMPTY: readonly Room[] = [];

function memberOf(member: Recipient) {
  return { id: member.id, nick: member.nick };
}
