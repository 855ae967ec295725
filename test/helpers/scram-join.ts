import type { HostFrame } from '../../src/shared/protocol/index.ts';
import { SCRAM_MECHANISM, ScramClient } from '../../src/shared/scram.ts';
import type { TestClient } from './test-client.ts';

/** The host's reply to a request with `ref`: `want` or an error. */
function replyTo(c: TestClient, ref: string, want: HostFrame['type']): Promise<HostFrame> {
  return c.nextWhere((f) => (f.type === want || f.type === 'error') && 'ref' in f && f.ref === ref, 10_000);
}

/** Send a `join` for `room` with `auth`: the SCRAM client-first message. */
export function sendAuthJoin(c: TestClient, room: string, clientFirst: string, ref?: string): void {
  c.send({
    type: 'join',
    ...(ref !== undefined ? { ref } : {}),
    room,
    auth: { mechanism: SCRAM_MECHANISM, clientFirst },
  });
}

/**
 * Join `room` with `password` the way every client must: SCRAM-SHA-256 (`join.auth` → `challenge`
 * → `auth-proof`). Resolves with the host's last reply (`joined`, or the error that ended it) and
 * the exchange, whose `verifyServer` checks the host's signature.
 */
export async function scramJoin(
  c: TestClient,
  room: string,
  password: string,
  ref = 'j',
  extra: { since?: number } = {},
): Promise<{ reply: HostFrame; scram: ScramClient }> {
  const scram = new ScramClient(room, password);
  c.send({ type: 'join', ref, room, auth: { mechanism: SCRAM_MECHANISM, clientFirst: scram.clientFirst }, ...extra });
  const challenge = await replyTo(c, ref, 'challenge');
  if (challenge.type !== 'challenge') return { reply: challenge, scram };
  c.send({ type: 'auth-proof', ref, room, clientFinal: await scram.answer(challenge.serverFirst) });
  return { reply: await replyTo(c, ref, 'joined'), scram };
}
