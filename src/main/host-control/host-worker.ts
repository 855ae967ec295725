// The host's thread: runs one HostServer off the main thread, so SQLite commits and socket work never
// stall the desktop app's UI. Driven by HostController through the messages in worker-messages.ts.
import { parentPort } from 'node:worker_threads';
import { HostServer } from '../host/host-server.ts';
import type { Logger } from '../host/options.ts';
import {
  workerRequest,
  type WorkerFailure,
  type WorkerHostConfig,
  type WorkerMessage,
  type WorkerRequest,
  type WorkerSnapshot,
} from './worker-messages.ts';

if (!parentPort) throw new Error('host-worker.ts runs as a worker thread, started by HostController');
const port = parentPort;

function post(message: WorkerMessage): void {
  port.postMessage(message);
}

const logger: Logger = {
  info: (message) => post({ type: 'log', level: 'info', message }),
  warn: (message) => post({ type: 'log', level: 'warn', message }),
  error: (message) => post({ type: 'log', level: 'error', message }),
};

let host: HostServer | null = null;

function snapshot(server: HostServer): WorkerSnapshot {
  return { port: server.port, rooms: server.rooms() };
}

function failureOf(error: unknown): WorkerFailure {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? { message, code } : { message };
}

async function start(config: WorkerHostConfig): Promise<WorkerSnapshot> {
  if (host) return snapshot(host);
  const server = new HostServer({
    port: config.port,
    bind: config.bind,
    dataDir: config.dataDir,
    webRoot: config.webRoot,
    hostName: config.hostName,
    allowedOrigins: config.allowedOrigins,
    logger,
  });
  try {
    for (const room of config.rooms) await server.createRoom(room.name, { password: room.password });
    await server.listen();
  } catch (error) {
    await server.close().catch(() => {});
    throw error;
  }
  host = server;
  return snapshot(server);
}

async function handle(request: WorkerRequest): Promise<WorkerSnapshot | null> {
  switch (request.type) {
    case 'start':
      return start(request.config);
    case 'create-room': {
      if (!host) throw new Error('The host is not running');
      await host.createRoom(request.room.name, { password: request.room.password });
      return snapshot(host);
    }
    case 'rooms':
      return host ? snapshot(host) : null;
    case 'stop': {
      const closing = host;
      host = null;
      await closing?.close();
      return null;
    }
  }
}

port.on('message', (data: unknown) => {
  const parsed = workerRequest.safeParse(data);
  if (!parsed.success) {
    const id = (data as { id?: unknown } | null)?.id;
    const message = `invalid request to the host worker: ${parsed.error.issues[0]?.message ?? 'unknown'}`;
    if (Number.isInteger(id) && (id as number) > 0) post({ type: 'failed', id: id as number, error: { message } });
    else logger.error(message);
    return;
  }
  const request = parsed.data;
  handle(request).then(
    (result) => post({ type: 'done', id: request.id, snapshot: result }),
    (error: unknown) => post({ type: 'failed', id: request.id, error: failureOf(error) }),
  );
});
