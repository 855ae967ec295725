// Chat latency as other members see it, measured on a thread of its own (chat-probe-worker.ts).
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { ChatProbeRequest, ChatProbeSetup } from './chat-probe-worker.ts';

export interface ChatProbe {
  /** The round trips (ms) timed since the last call, and a new window from now. */
  window(): Promise<number[]>;
  stop(): Promise<void>;
}

export async function startChatProbe(setup: ChatProbeSetup): Promise<ChatProbe> {
  const worker = new Worker(new URL('./chat-probe-worker.ts', import.meta.url), { workerData: setup });
  const [ready] = (await once(worker, 'message')) as [unknown];
  if (ready !== 'ready') throw new Error(`the chat probe did not start: ${String(ready)}`);
  const ask = (request: ChatProbeRequest) => worker.postMessage(request);
  return {
    async window() {
      ask({ cmd: 'window' });
      const [latencies] = (await once(worker, 'message')) as [number[]];
      return latencies;
    },
    async stop() {
      ask({ cmd: 'stop' });
      await once(worker, 'exit');
    },
  };
}
