// The files service's public entry: uploads and downloads through the host (docs/protocol.md, "Files").
export {
  FileService,
  PROGRESS_INTERVAL_MS,
  type FileLimits,
  type FileServiceOptions,
  type FileSession,
} from './file-service.ts';
export { fileChunk, fileTextHandlers } from './file-handlers.ts';
export { serveFile, contentDisposition, parseRange } from './file-route.ts';
export { fileKeyOf } from './file-key.ts';
export { MAX_QUEUED_WRITE_BYTES } from './upload.ts';
