// Storage for the host: SQLite through node:sqlite, plain Node. Other services import from here only.
export { openDatabase, type Durability } from './database.ts';
export { GroupCommit, type AppendCallback, type GroupCommitOptions } from './group-commit.ts';
export {
  MessageStore,
  type AppendResult,
  type NewMessage,
  type Page,
  type RoomRecord,
  type SearchOptions,
  type SearchResult,
} from './message-store.ts';
export { searchWords, toFtsQuery } from './message-search.ts';
export { FileRecords, type FileRecord, type FileRecordState, type NewFileRecord } from './file-records.ts';
export { ModerationStore, type BanRecord, type MuteRecord } from './moderation-store.ts';
