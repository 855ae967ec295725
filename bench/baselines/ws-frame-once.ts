// Baseline: bare `ws`, broadcasting a frame prepared once. The inbound message is parsed, the ack
// sent to the sender, and the message framed once (WebSocket.Sender.frame) and the same bytes
// written to every connection's socket. No storage, no validation, no limits: the floor of what a
// chat server on `ws` costs.
import type { Duplex } from 'node:stream';
import * as ws from 'ws';
import { WebSocket, WebSocketServer } from 'ws';
import { chatFrames, createServer, listen, newSender, type Inbound } from './common.ts';

// @types/ws does not declare the Sender class; this is its static frame builder (ws 8).
const { Sender } = ws as unknown as {
  Sender: {
    frame(
      data: Buffer,
      options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean },
    ): Buffer[];
  };
};

const sockets = new Map<WebSocket, Duplex>();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false, maxPayload: 65536 });
const server = createServer();
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (client) => {
    const from = newSender();
    sockets.set(client, socket);
    client.on('close', () => sockets.delete(client));
    client.on('message', (data) => {
      const { ack, message } = chatFrames(from, JSON.parse(String(data)) as Inbound);
      client.send(JSON.stringify(ack));
      const payload = Buffer.from(JSON.stringify(message));
      const frame = Buffer.concat(
        Sender.frame(payload, { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false }),
      );
      for (const [member, memberSocket] of sockets) {
        if (member.readyState === WebSocket.OPEN) memberSocket.write(frame);
      }
    });
    client.send('{"type":"joined"}');
  });
});
listen(server);
