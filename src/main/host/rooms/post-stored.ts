import type { Room } from './room.ts';
import type { Post, RoomHub } from './room-hub.ts';

/** Where a post was stored. */
export interface Stored {
  room: string;
  seq: number;
}

/** Post into `room` through the hub; resolves once stored (with its seq), rejects when storing failed. */
export function postStored(hub: RoomHub, room: Room, post: Post): Promise<Stored> {
  return new Promise((resolve, reject) =>
    hub.post(room, post, (error, result) =>
      error || !result ? reject(error ?? new Error('not stored')) : resolve({ room: room.name, seq: result.seq }),
    ),
  );
}
