import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import {
  banRequest,
  kickRequest,
  muteRequest,
  unbanRequest,
  unmuteRequest,
  type ModerationResult,
} from '../../../shared/moderation.ts';
import { announcementRequest } from '../../../shared/ipc.ts';
import { adminSecretMatches } from '../auth/admin-secret.ts';
import type { Announced, AnnounceOptions } from '../rooms/announcements.ts';
import { sendJson } from '../http-routes.ts';
import { isAllowedHost } from '../request-guard.ts';
import { remoteAddressOf } from '../upgrade-gate.ts';
import { FailedAuthLimiter } from './failed-auth-limiter.ts';
import { ModerationError, type Moderation } from './moderation.ts';

/** Where the admin API lives on the host's port. */
export const ADMIN_API_PREFIX = '/admin/api/';
/** Largest request body the admin API reads, in bytes. */
export const MAX_ADMIN_BODY_BYTES = 4096;

export interface AdminApiOptions {
  /** Null: the API is off (every route answers 404). */
  secret: string | null;
  moderation: Moderation;
  clock: () => number;
  machineName: string;
  allowedHosts: readonly string[];
  /** Post an operator announcement (HostServer.announce); absent: the route answers 404. */
  announce?: (text: string, options: AnnounceOptions) => Promise<Announced[]>;
}

type Action = (moderation: Moderation, body: never) => Promise<ModerationResult>;

/** The POST routes: each body's schema, and the moderation call it makes. */
const ACTIONS: Record<string, { schema: z.ZodType; run: Action }> = {
  kick: { schema: kickRequest, run: (m, b) => m.kick(b) },
  ban: { schema: banRequest, run: (m, b) => m.ban(b) },
  unban: { schema: unbanRequest, run: (m, b) => m.unban(b) },
  mute: { schema: muteRequest, run: (m, b) => m.mute(b) },
  unmute: { schema: unmuteRequest, run: (m, b) => m.unmute(b) },
};

class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/**
 * The headless host's admin API, on the host's own port under /admin/api/: `GET view` and `POST
 * kick|ban|unban|mute|unmute|announce` with a JSON body. Every call needs `Authorization: Bearer <admin
 * secret>` — a header, never the URL, which logs and browser history keep. A caller without it
 * learns nothing: 401, the same for a missing and a wrong secret, and 429 once an address has
 * failed too often. Secrets are compared in constant time.
 */
export class AdminApi {
  readonly #options: AdminApiOptions;
  readonly #failures = new FailedAuthLimiter();

  constructor(options: AdminApiOptions) {
    this.#options = options;
  }

  /** True for requests this API answers (its paths), which the host then hands to `serve`. */
  handles(req: IncomingMessage): boolean {
    const path = pathOf(req);
    return path === ADMIN_API_PREFIX.slice(0, -1) || path.startsWith(ADMIN_API_PREFIX);
  }

  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      sendJson(res, 200, await this.#answer(req));
    } catch (error) {
      if (error instanceof HttpError || error instanceof ModerationError) {
        if (error instanceof HttpError)
          for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
        sendJson(res, error.status, { error: error.message });
        return;
      }
      throw error;
    }
  }

  async #answer(req: IncomingMessage): Promise<unknown> {
    const { secret, moderation, clock, machineName, allowedHosts } = this.#options;
    if (!isAllowedHost(req.headers.host, machineName, allowedHosts)) {
      throw new HttpError(421, 'Host header names no local address');
    }
    if (secret === null) throw new HttpError(404, 'the admin API is off on this host');
    const address = remoteAddressOf(req);
    const now = clock();
    const wait = this.#failures.wait(address, now);
    if (wait > 0) throw this.#tooMany(req, wait);
    const given = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (given === undefined || !adminSecretMatches(secret, given)) {
      const next = this.#failures.failed(address, now);
      if (next > 0) throw this.#tooMany(req, next);
      req.resume(); // an unread body would hold the connection
      throw new HttpError(401, 'the admin secret is missing or wrong (send Authorization: Bearer <secret>)', {
        'WWW-Authenticate': 'Bearer realm="tincan-admin"',
      });
    }
    const route = pathOf(req).slice(ADMIN_API_PREFIX.length);
    if (route === 'view') {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        throw new HttpError(405, 'view takes GET', { Allow: 'GET, HEAD' });
      return { ...moderation.view(), viewer: address }; // so the page can warn before banning its own address
    }
    const announce = this.#options.announce;
    const action = Object.hasOwn(ACTIONS, route) ? ACTIONS[route] : undefined;
    if (!action && !(route === 'announce' && announce)) throw new HttpError(404, 'no such admin route');
    if (req.method !== 'POST') throw new HttpError(405, `${route} takes POST`, { Allow: 'POST' });
    if (!action) {
      const { text, level, room } = bodyOf(announcementRequest, await readJson(req));
      try {
        return { announced: await announce!(text, { level, ...(room === undefined ? {} : { room }) }) };
      } catch (error) {
        if (error instanceof RangeError) throw new HttpError(404, error.message); // no such room
        throw error;
      }
    }
    return action.run(moderation, bodyOf(action.schema, await readJson(req)) as never);
  }

  #tooMany(req: IncomingMessage, waitMs: number): HttpError {
    req.resume();
    return new HttpError(429, 'too many wrong admin secrets from this address; wait and try again', {
      'Retry-After': String(Math.ceil(waitMs / 1000)), // whole seconds
    });
  }
}

/** The body as `schema` reads it, or a 400 naming the bad field. */
function bodyOf<T>(schema: z.ZodType<T>, value: unknown): T {
  const body = schema.safeParse(value);
  if (body.success) return body.data;
  const issue = body.error.issues[0];
  const field = issue?.path.map(String).join('.');
  throw new HttpError(400, `${field ? `${field}: ` : ''}${issue?.message ?? 'invalid body'}`);
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

/** The request's JSON body, at most MAX_ADMIN_BODY_BYTES, sent as application/json. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'send the body as application/json');
  const declared = Number(req.headers['content-length'] ?? 0);
  const tooBig = () =>
    new HttpError(413, `the body may be at most ${MAX_ADMIN_BODY_BYTES} bytes`, { Connection: 'close' });
  if (declared > MAX_ADMIN_BODY_BYTES) throw tooBig();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ADMIN_BODY_BYTES) throw tooBig();
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
}
