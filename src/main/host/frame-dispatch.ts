import {
  binaryIdHex,
  clientMessageId,
  CLOSE_CODES,
  decodeBinaryFrame,
  decodeClientFrame,
  ref as refSchema,
  roomName,
  type ClientFrame,
  type ErrorCode,
} from '../../shared/protocol/index.ts';
import type { BinaryHandler } from './binary-handlers.ts';
import type { HostContext } from './host-context.ts';
import { sendError, type ErrorExtra } from './send-error.ts';
import type { Session } from './session.ts';
import { textHandlers } from './text-handlers.ts';

/** A refused text frame up to this size is parsed (JSON only, no schema) to echo its ref; larger ones are not. */
export const RATE_LIMITED_PEEK_BYTES = 32 * 1024;

/**
 * From a received WebSocket message to its handler: size, budget (charged before decoding),
 * decoding, then one table for text frames (by `type`) and one for binary frames (by type byte).
 * Every refusal is an error frame back to the sender, or a close when it keeps going.
 */
export class FrameDispatch {
  readonly #ctx: HostContext;
  readonly #binary = new Map<number, BinaryHandler>();

  constructor(ctx: HostContext) {
    this.#ctx = ctx;
  }

  /** Handle binary frames of `type` (one byte) with `handler`. One handler per type. */
  handleBinary(type: number, handler: BinaryHandler): void {
    if (!Number.isInteger(type) || type < 0 || type > 255) throw new RangeError('a binary frame type is one byte');
    if (this.#binary.has(type)) throw new Error(`binary frame type ${type} already has a handler`);
    this.#binary.set(type, handler);
  }

  frame(session: Session, data: Buffer, isBinary: boolean): void {
    if (isBinary) this.#binaryFrame(session, data);
    else this.#textFrame(session, data);
  }

  #textFrame(session: Session, data: Buffer): void {
    const { limits, clock } = this.#ctx;
    if (data.length > limits.maxFrameBytes) {
      session.ws.close(CLOSE_CODES.tooBig, 'text frame too big');
      return;
    }
    // Charged before decoding: a frame that is costly to decode costs its sender.
    const wait = session.budget.text(data.length, clock());
    if (wait > 0) return this.#rateLimited(session, wait, refusedTextEcho(data));
    const decoded = decodeClientFrame(data.toString());
    if (!decoded.ok) return sendError(session, decoded.code, { ref: decoded.ref }, decoded.message);
    const frame = decoded.frame;
    const extra = refOf(frame);
    if (!session.greeted && frame.type !== 'hello') return sendError(session, 'hello_required', extra);
    const handler = textHandlers[frame.type] as (c: HostContext, s: Session, f: ClientFrame) => unknown;
    this.#run(session, frame.type, extra, () => handler(this.#ctx, session, frame));
  }

  #binaryFrame(session: Session, data: Buffer): void {
    // Over the budget, the frame is still handled, and the socket goes unread until it is paid for.
    const wait = session.budget.binaryBackpressure(data.length, this.#ctx.clock());
    if (wait > 0) session.pauseReadingFor(wait);
    if (!session.greeted) return this.#refuseBinary(session, 'hello_required', {});
    const decoded = decodeBinaryFrame(data);
    if (!decoded.ok) return this.#refuseBinary(session, 'bad_binary', {}, decoded.message);
    const frame = decoded.frame;
    const handler = this.#binary.get(frame.type);
    // The id in hex only for an error reply: every upload chunk passes here.
    const extra = () => ({ id: binaryIdHex(frame.id) });
    if (!handler) {
      const message = `This host has no handler for binary frame type 0x${frame.type.toString(16).padStart(2, '0')}.`;
      return this.#refuseBinary(session, 'binary_unsupported', extra(), message);
    }
    this.#run(session, 'binary', extra, () => handler(this.#ctx, session, frame));
  }

  /** Run a handler; whatever it throws (or rejects with) is logged and answered with `internal`. */
  #run(session: Session, what: string, extra: ErrorExtra | (() => ErrorExtra), handle: () => unknown): void {
    try {
      const pending = handle();
      if (pending instanceof Promise)
        pending.catch((error: unknown) => this.#internalError(session, what, error, extra));
    } catch (error) {
      this.#internalError(session, what, error, extra);
    }
  }

  /** An error reply to a binary frame is per-frame work whatever the size: it takes a frame token. */
  #refuseBinary(session: Session, code: ErrorCode, extra: ErrorExtra, message?: string): void {
    const wait = session.budget.frame(this.#ctx.clock());
    if (wait > 0) return this.#rateLimited(session, wait, {});
    sendError(session, code, extra, message);
  }

  #rateLimited(session: Session, wait: number, echo: ErrorExtra): void {
    if (session.budget.strike(this.#ctx.clock())) {
      session.ws.close(CLOSE_CODES.rateLimit, 'rate limit exceeded');
      return;
    }
    sendError(session, 'rate_limited', { ...echo, retryAfterMs: wait });
  }

  #internalError(session: Session, what: string, error: unknown, extra: ErrorExtra | (() => ErrorExtra)): void {
    this.#ctx.logger.error(
      `handling ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    sendError(session, 'internal', typeof extra === 'function' ? extra() : extra);
  }
}

function refOf(frame: ClientFrame): { ref?: string } {
  return 'ref' in frame && frame.ref !== undefined ? { ref: frame.ref } : {};
}

/**
 * What a refused text frame is about, so the client can retry it: its ref, and the room and id of a
 * `send`. Only JSON.parse, never the schema, and only for frames small enough to be cheap.
 */
function refusedTextEcho(data: Buffer): ErrorExtra {
  if (data.length > RATE_LIMITED_PEEK_BYTES) return {};
  let value: unknown;
  try {
    value = JSON.parse(data.toString());
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null) return {};
  const { ref, type, room, id } = value as Record<string, unknown>;
  const echo: ErrorExtra = {};
  if (refSchema.safeParse(ref).success) echo.ref = ref as string;
  if (type === 'send' && roomName.safeParse(room).success && clientMessageId.safeParse(id).success) {
    echo.room = room as string;
    echo.id = id as string;
  }
  return echo;
}
