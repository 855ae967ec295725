// What every baseline server shares: the same chat frames Tincan sends (same JSON shape and size,
// so every server puts the same bytes on the wire), and the HTTP server they listen on.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startProbe } from '../lib/probe.ts';

export interface Sender {
  nick: string;
  device: string;
}

export interface Inbound {
  room: string;
  id: string;
  text: string;
}

let connections = 0;
let seq = 0;

/** A fresh identity per connection, shaped like Tincan's (nickname, 16-hex-digit device tag). */
export function newSender(): Sender {
  return { nick: `b${connections++}`, device: randomBytes(8).toString('hex') };
}

/** The ack for the sender and the message for the room, as the objects Tincan would send. */
export function chatFrames(from: Sender, inbound: Inbound) {
  const ts = Date.now();
  const s = ++seq;
  return {
    ack: { type: 'ack', room: inbound.room, id: inbound.id, seq: s, ts, duplicate: false },
    message: {
      type: 'message',
      room: inbound.room,
      seq: s,
      id: inbound.id,
      from: { nick: from.nick, device: from.device },
      kind: 'text',
      text: inbound.text,
      ts,
    },
  };
}

/** Listen on a loopback port and tell the runner (bench/lib/probe.ts). */
export function listen(server: Server): void {
  server.listen(0, '127.0.0.1', () => startProbe((server.address() as AddressInfo).port));
}

export { createServer };
