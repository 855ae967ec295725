// EXPERIMENT, not Tincan as shipped: the bench host with a proposed change to src/main/host
// applied as a monkeypatch, to measure it before anyone edits the host. Not part of `npm run bench`'s
// results; run it by hand (see docs/performance.md, "Closing the gaps").
//
// The change: while a group commit's callbacks broadcast a batch of messages, cork every member's
// socket once and uncork them all on the next tick, so each member gets the whole batch (and the
// sender its acks) in one writev instead of one write syscall per frame.
import type { Duplex } from 'node:stream';
import { Room } from '../../src/main/host/room.ts';

const corked = new Set<Duplex>();
let scheduled = false;

function uncorkAll(): void {
  scheduled = false;
  for (const socket of corked) socket.uncork();
  corked.clear();
}

const broadcast = Room.prototype.broadcast;
Room.prototype.broadcast = function (this: Room, ...args: Parameters<Room['broadcast']>) {
  for (const member of this.members.values()) {
    const socket = (member.ws as unknown as { _socket: Duplex })._socket;
    if (!corked.has(socket)) {
      socket.cork();
      corked.add(socket);
    }
  }
  if (!scheduled) {
    scheduled = true;
    process.nextTick(uncorkAll);
  }
  broadcast.apply(this, args);
};

await import('../bench-host.ts');
