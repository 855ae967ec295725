// The chatting members of the files job, on a thread of their own: two members of the room, one
// sending at a steady rate and the other timing each message back. On the uploader's thread their
// timings would include its own work and garbage collection; other members chat from other devices.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { joinAs } from './ws-member.ts';

export interface ChatProbeSetup {
  port: number;
  room: string;
  rate: number;
}
export type ChatProbeRequest = { cmd: 'window' } | { cmd: 'stop' };

const { port, room, rate } = workerData as ChatProbeSetup;
const sentAt = new Map<string, number>();
let latencies: number[] = [];
const listener = await joinAs(port, room, 'listener', (f) => {
  const at = f.type === 'message' ? sentAt.get(f.id as string) : undefined;
  if (at !== undefined) latencies.push(performance.now() - at);
});
const talker = await joinAs(port, room, 'talker', () => {});
const run = Date.now().toString(36);
let n = 0;
const timer = setInterval(() => {
  const id = `c${run}-${n++}`;
  sentAt.set(id, performance.now());
  talker.ws.send(JSON.stringify({ type: 'send', room, id, text: `chat line ${n}` }));
}, 1000 / rate);

parentPort!.on('message', (request: ChatProbeRequest) => {
  if (request.cmd === 'window') {
    parentPort!.postMessage(latencies);
    latencies = [];
  } else {
    clearInterval(timer);
    listener.ws.close();
    talker.ws.close();
    parentPort!.close();
  }
});
parentPort!.postMessage('ready');
