// Baseline: bare `ws`, the naive way: `ws.send(string)` to every connection, so the library
// converts and frames the same message again for each one.
import { WebSocket, WebSocketServer } from 'ws';
import { chatFrames, createServer, listen, newSender, type Inbound } from './common.ts';

const members = new Set<WebSocket>();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false, maxPayload: 65536 });
const server = createServer();
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    const from = newSender();
    members.add(ws);
    ws.on('close', () => members.delete(ws));
    ws.on('message', (data) => {
      const { ack, message } = chatFrames(from, JSON.parse(String(data)) as Inbound);
      ws.send(JSON.stringify(ack));
      const text = JSON.stringify(message);
      for (const member of members) if (member.readyState === WebSocket.OPEN) member.send(text);
    });
    ws.send('{"type":"joined"}');
  });
});
listen(server);
