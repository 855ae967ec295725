// Baseline: bare `ws`, framing each broadcast once and corking the way Tincan does. Frames that
// arrive in one turn of the event loop are handled as one batch on setImmediate (Tincan's group
// commit runs there too); every socket is corked for the batch, so each gets its acks and messages
// in one writev. No storage, no validation, no limits: the honest floor for Tincan's fan-out.
import type { Duplex } from 'node:stream';
import * as ws from 'ws';
import { WebSocket, WebSocketServer } from 'ws';
import { chatFrames, createServer, listen, newSender, type Inbound, type Sender } from './common.ts';

// @types/ws does not declare the Sender class; this is its static frame builder (ws 8).
const { Sender: Framer } = ws as unknown as {
  Sender: {
    frame(
      data: Buffer,
      options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean },
    ): Buffer[];
  };
};

const frame = (text: string) =>
  Buffer.concat(Framer.frame(Buffer.from(text), { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false }));

const sockets = new Map<WebSocket, Duplex>();
let batch: { client: WebSocket; from: Sender; inbound: Inbound }[] = [];
let scheduled = false;

function flush(): void {
  scheduled = false;
  const work = batch;
  batch = [];
  const corked: Duplex[] = [];
  const cork = (socket: Duplex) => {
    if (socket.writableCorked === 0) {
      socket.cork();
      corked.push(socket);
    }
  };
  for (const { client, from, inbound } of work) {
    const { ack, message } = chatFrames(from, inbound);
    const own = sockets.get(client);
    if (own && client.readyState === WebSocket.OPEN) {
      cork(own);
      own.write(frame(JSON.stringify(ack)));
    }
    const bytes = frame(JSON.stringify(message));
    for (const [member, socket] of sockets) {
      if (member.readyState !== WebSocket.OPEN) continue;
      cork(socket);
      socket.write(bytes);
    }
  }
  for (const socket of corked) socket.uncork();
}

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false, maxPayload: 65536 });
const server = createServer();
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (client) => {
    const from = newSender();
    sockets.set(client, socket);
    client.on('close', () => sockets.delete(client));
    client.on('message', (data) => {
      batch.push({ client, from, inbound: JSON.parse(String(data)) as Inbound });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
    client.send('{"type":"joined"}');
  });
});
listen(server);
