import type { ErrorCode } from '../../../../shared/protocol/index.ts';
import type { Sha256Checkpoint, Sha256Stream } from './sha256.ts';
import { RateMeter } from './transfer-rate.ts';

/**
 * Where one of our uploads stands:
 * - `offering`: `upload` sent, waiting for the host's offset;
 * - `hashing`: re-reading what the host already stored, to carry the hash on (a resume);
 * - `sending`: chunks going out;
 * - `verifying`: every byte sent, `upload-end` with the hash sent, waiting for the host's check;
 * - `waiting`: not connected (or not joined): goes on by itself when the room is joined again;
 * - `queued`: waits for another upload to finish (this client sends a few at a time, the host
 *   takes a few per connection): starts by itself;
 * - `paused`: the host refused for now (its disk is full, its quota): `retry()` goes on;
 * - `complete`, `failed`, `cancelled`: the end.
 */
export type UploadPhase =
  | 'offering'
  | 'hashing'
  | 'sending'
  | 'verifying'
  | 'waiting'
  | 'queued'
  | 'paused'
  | 'complete'
  | 'failed'
  | 'cancelled';

/** Phases after which nothing more happens. */
export const FINAL_UPLOAD_PHASES: readonly UploadPhase[] = ['complete', 'failed', 'cancelled'];

export interface UploadSource {
  room: string;
  /** Our own id for the upload (a client message id): sending it again resumes. */
  id: string;
  file: Blob;
  name: string;
  mime: string;
  image?: { width: number; height: number } | undefined;
}

/**
 * One file this page is sending. The Blob stays in memory while the page lives, so a dropped
 * connection resumes from the host's offset. The hash stream and the run token are bookkeeping of
 * the pipeline (upload-pipeline.ts), not shown.
 */
export class Upload {
  readonly room: string;
  readonly id: string;
  readonly file: Blob;
  readonly name: string;
  readonly size: number;
  readonly mime: string;
  readonly image: { width: number; height: number } | undefined;
  /** The host's id for the file, from its first reply. */
  fileId = $state<string | null>(null);
  /** The seq of the `file` message the host posted. */
  seq = $state<number | null>(null);
  phase = $state<UploadPhase>('offering');
  /** Bytes handed to the socket so far (the host's count is in its `file-state`). */
  sent = $state(0);
  /** Bytes re-hashed of what the host stored, while `hashing`. */
  hashed = $state(0);
  /** Our sending rate, bytes/s. */
  rate = $state(0);
  /** Why it failed or paused: a protocol error code, or a file-state failure reason. */
  error = $state<ErrorCode | 'stalled' | 'lost' | null>(null);
  /** The host's words about the error (e.g. how much quota is left). */
  errorMessage = $state('');
  /** The most bytes seen waiting in the socket before a chunk was sent (the backpressure bound, for tests). */
  maxQueued = 0;
  /** The hash of the bytes sent so far, in order from 0; null until the pipeline made one. */
  hash: Sha256Stream | null = null;
  /** Hash states along the file (every PipelineLimits.checkpointBytes), so a resume hashes only from the last one. */
  checkpoints: Sha256Checkpoint[] = [];
  /** Bytes read from the file again to carry the hash over to a resume's offset (for tests and numbers). */
  rehashedBytes = 0;
  /** The whole file's SHA-256 once every byte was hashed. */
  sha256: string | null = null;
  /** Bumped to stop the pipeline run in progress (a new offset, a disconnect, a cancel). */
  run = 0;
  readonly meter = new RateMeter();

  constructor(source: UploadSource) {
    this.room = source.room;
    this.id = source.id;
    this.file = source.file;
    this.name = source.name;
    this.size = source.file.size;
    this.mime = source.mime;
    this.image = source.image;
  }

  get finished(): boolean {
    return FINAL_UPLOAD_PHASES.includes(this.phase);
  }

  /** Stop what runs now; returns the token of the next run. */
  stop(): number {
    return ++this.run;
  }
}
