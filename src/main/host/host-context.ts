import type { Limits, RoomInfo } from '../../shared/protocol/index.ts';
import type { Logger } from '../logger.ts';
import type { RoomAccess } from './auth/room-access.ts';
import type { ScramJoins } from './auth/scram-join.ts';
import type { RoomHub } from './rooms/room-hub.ts';
import type { SearchBudget } from './search-budget.ts';
import type { SearchQueue } from './search-queue.ts';
import type { FileService } from '../files/index.ts';
import type { ModerationChecks } from './moderation/index.ts';

/** What frame handlers may use of the host: the hub and the services around it, no sockets or HTTP. */
export interface HostContext {
  readonly limits: Limits;
  readonly clock: () => number;
  readonly logger: Logger;
  readonly hub: RoomHub;
  readonly access: RoomAccess;
  /** Room passwords by SCRAM-SHA-256: challenges and proofs. */
  readonly scram: ScramJoins;
  readonly searchBudget: SearchBudget;
  readonly searchQueue: SearchQueue;
  readonly identity: { id: string; name: string };
  roomInfos(): RoomInfo[];
  /** Uploads, downloads and file states (docs/protocol.md, "Files"). */
  readonly files: FileService;
  /** Bans and mutes, for `hello`, `send` and `typing`. */
  readonly moderation: ModerationChecks;
}
