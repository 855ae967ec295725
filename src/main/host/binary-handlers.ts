import type { BinaryFrame } from '../../shared/protocol/index.ts';
import type { HostContext } from './host-context.ts';
import type { Session } from './session.ts';

/**
 * Handles one binary frame of a type (BINARY_TYPES), header already split off. The payload is a
 * view into the received buffer: copy it if it must outlive the call.
 */
export type BinaryHandler = (ctx: HostContext, session: Session, frame: BinaryFrame) => void | Promise<void>;

/** Binary frame types this host handles, by type byte. Every other type is answered with `binary_unsupported`. */
export type BinaryHandlers = ReadonlyMap<number, BinaryHandler>;
