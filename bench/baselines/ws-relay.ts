// Baseline for scenario I: a bare `ws` relay. Every binary message a client sends goes on to every
// other client as it is: no storage, no hashing, no framing of its own. What moving the same
// chunks from one socket to another costs at the least.
import { WebSocketServer, type WebSocket } from 'ws';
import { createServer, listen } from './common.ts';

const server = createServer();
const wss = new WebSocketServer({ server, maxPayload: 1024 * 1024, perMessageDeflate: false });
const clients = new Set<WebSocket>();
wss.on('connection', (ws) => {
  clients.add(ws);
  ws.on('close', () => clients.delete(ws));
  ws.on('message', (data: Buffer, isBinary) => {
    for (const other of clients) if (other !== ws) other.send(data, { binary: isBinary });
  });
});
listen(server);
