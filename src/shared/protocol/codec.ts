import type { z } from 'zod';
import { clientFrameSchemas, type ClientFrame } from './client-frames.ts';
import type { ErrorCode } from './error-codes.ts';
import { ref } from './fields.ts';
import { hostFrameSchemas, type HostFrame } from './host-frames.ts';

export type Decoded<F> = { ok: true; frame: F } | { ok: false; code: ErrorCode; message: string; ref?: string };

type SchemaTable = Record<string, z.ZodType>;

/** Parse a text frame and validate it against the schema its `type` names. Never throws. */
function decode<F>(text: string, schemas: SchemaTable): Decoded<F> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: 'bad_json', message: 'frame is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'invalid_frame', message: 'frame must be a JSON object' };
  }
  const record = value as Record<string, unknown>;
  // Echo only a ref the schema would accept, so the error frame itself stays valid.
  const echo = ref.safeParse(record.ref).success ? { ref: record.ref as string } : {};
  const type = record.type;
  const schema = typeof type === 'string' && Object.hasOwn(schemas, type) ? schemas[type] : undefined;
  if (!schema) {
    const shown = typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : 'missing';
    return { ok: false, code: 'unknown_type', message: `unknown frame type: ${shown}`, ...echo };
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    return { ok: false, code: 'invalid_frame', message: describeIssue(type as string, result.error), ...echo };
  }
  return { ok: true, frame: result.data as F };
}

function describeIssue(type: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `invalid ${type} frame`;
  const path = issue.path.length > 0 ? issue.path.join('.') : '(frame)';
  return `invalid ${type} frame: ${path}: ${issue.message}`;
}

/** Host side: decode what a client sent. */
export function decodeClientFrame(text: string): Decoded<ClientFrame> {
  return decode<ClientFrame>(text, clientFrameSchemas);
}

/** Client side: decode what a host sent. */
export function decodeHostFrame(text: string): Decoded<HostFrame> {
  return decode<HostFrame>(text, hostFrameSchemas);
}
