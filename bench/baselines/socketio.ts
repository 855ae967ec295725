// Baseline: Socket.IO 4, WebSocket transport only, broadcasting to a room with `io.to(room).emit`
// (its in-memory adapter encodes the packet and pre-frames it once per broadcast).
import { Server } from 'socket.io';
import { chatFrames, createServer, listen, newSender, type Inbound } from './common.ts';

const server = createServer();
const io = new Server(server, {
  transports: ['websocket'],
  perMessageDeflate: false,
  serveClient: false,
  maxHttpBufferSize: 65536,
});
io.on('connection', (socket) => {
  const from = newSender();
  void socket.join('bench');
  socket.on('send', (inbound: Inbound) => {
    const { ack, message } = chatFrames(from, inbound);
    socket.emit('ack', ack);
    io.to('bench').emit('message', message);
  });
  socket.emit('joined');
});
listen(server);
