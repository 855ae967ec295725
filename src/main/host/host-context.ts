import type { Limits, RoomInfo } from '../../shared/protocol/index.ts';
import type { GroupCommit } from '../store/group-commit.ts';
import type { MessageStore } from '../store/message-store.ts';
import type { Logger } from './options.ts';
import type { PasswordBackoff } from './password-backoff.ts';
import type { Room } from './room.ts';

/** What frame handlers may use of the host: state and services, no sockets or HTTP. */
export interface HostContext {
  readonly limits: Limits;
  readonly clock: () => number;
  readonly logger: Logger;
  readonly store: MessageStore;
  readonly commit: GroupCommit;
  readonly rooms: ReadonlyMap<string, Room>;
  readonly backoff: PasswordBackoff;
  readonly identity: { id: string; name: string };
  roomInfos(): RoomInfo[];
}
