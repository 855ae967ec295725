import type { ClientFrameInput, StoredMessage } from '../../../../shared/protocol/index.ts';

/**
 * What a request sent to the host was for, kept by its `ref` until answered. The ref itself is
 * opaque (`r17`): nothing is read back out of it.
 */
export type PendingRequest =
  | { kind: 'join'; room: string }
  /** The first page of a room (its newest messages), or the page before the oldest held. */
  | { kind: 'newest' | 'older'; room: string }
  /** A page of messages missed while away, until caught up with the room's head. */
  | { kind: 'resume'; room: string }
  /** A page a jump or a gap asked for; settled true when it arrived. */
  | { kind: 'page'; room: string; key: string; settle: (ok: boolean) => void }
  /** `null`: the search could not run (refused, no answer, the connection gone), not "no matches". */
  | { kind: 'search'; settle: (messages: StoredMessage[] | null) => void }
  | { kind: 'send'; id: string }
  | { kind: 'other' };

/** Requests worth sending again after a `rate_limited` error. */
export function retriedAfterRateLimit(request: PendingRequest): boolean {
  return ['join', 'newest', 'older', 'resume', 'page'].includes(request.kind);
}

/** The requests of one connection, by ref. Unanswered ones are settled as failed when it drops. */
export class PendingRequests {
  // Bookkeeping no view reads: a plain Map on purpose.
  readonly #byRef = new Map<string, { request: PendingRequest; frame: ClientFrameInput }>();
  #n = 0;

  /** A fresh ref for a request of this kind (readable in the timeline, never parsed). */
  nextRef(kind: PendingRequest['kind']): string {
    return `${kind}-${++this.#n}`;
  }

  /** Remember a request until its answer; `frame` is kept to send it again after a rate limit. */
  set(ref: string, request: PendingRequest, frame: ClientFrameInput): void {
    this.#byRef.set(ref, { request, frame });
  }

  /** Remove and return the record of `ref`, with the frame that asked. */
  take(ref: string | undefined): { request: PendingRequest; frame: ClientFrameInput } | undefined {
    if (ref === undefined) return undefined;
    const record = this.#byRef.get(ref);
    this.#byRef.delete(ref);
    return record;
  }

  /** The page request waiting for the same page, if any (two jumps to one message share it). */
  findPage(key: string): (PendingRequest & { kind: 'page' }) | undefined {
    for (const { request } of this.#byRef.values()) if (request.kind === 'page' && request.key === key) return request;
    return undefined;
  }

  /** The connection dropped: every unanswered request fails. */
  failAll(): void {
    const all = [...this.#byRef.values()];
    this.#byRef.clear();
    for (const { request } of all) {
      if (request.kind === 'search') request.settle(null);
      else if (request.kind === 'page') request.settle(false);
    }
  }
}
