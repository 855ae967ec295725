// Storage for the host: SQLite through node:sqlite, plain Node. Other services import from here only.
export { openDatabase, type Durability } from './database.ts';
export { GroupCommit, type AppendCallback, type GroupCommitOptions } from './group-commit.ts';
export {
  MessageStore,
  toFtsQuery,
  type AppendResult,
  type NewMessage,
  type Page,
  type RoomRecord,
} from './message-store.ts';
