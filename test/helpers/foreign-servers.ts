import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import websocket from 'websocket';
import { freePort } from './free-port.ts';

/** WebSocket servers nobody here wrote, started on loopback for interop tests. */
export interface ForeignServer {
  name: string;
  /** The endpoint to connect to. */
  url: string;
  close(): Promise<void>;
}

const FIXTURES = fileURLToPath(new URL('../fixtures/ws-servers/', import.meta.url));
/** Debian's Python, which has python3-websockets and python3-tornado (the PATH python3 may be another). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Run a server that prints its port on its first stdout line. */
function spawnPrintingPort(name: string, command: string, args: string[], path: string): Promise<ForeignServer> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${out}${err}`)), 15_000);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}): ${err}`)));
    child.stdout!.on('data', (d) => {
      out += d;
      const match = /^(\d+)\s/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      resolve({ name, url: `ws://127.0.0.1:${match[1]}${path}`, close: () => stop(child) });
    });
  });
}

export function pythonWebsocketsEcho(): Promise<ForeignServer> {
  return spawnPrintingPort('python-websockets', SYSTEM_PYTHON, [`${FIXTURES}python-websockets-echo.py`], '/');
}

export function tornadoEcho(): Promise<ForeignServer> {
  return spawnPrintingPort('tornado', SYSTEM_PYTHON, [`${FIXTURES}tornado-echo.py`], '/ws');
}

/** websocketd (Debian package) running a line-echo shell script: every text line back as text. */
export async function websocketdEcho(): Promise<ForeignServer> {
  const port = await freePort();
  const child = spawn(
    '/usr/bin/websocketd',
    [`--port=${port}`, '--address=127.0.0.1', '--loglevel=error', `${FIXTURES}websocketd-echo.sh`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const deadline = Date.now() + 10_000;
  // websocketd prints nothing at loglevel error: wait until it answers HTTP.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`websocketd exited: ${err}`);
    const up = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`websocketd did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { name: 'websocketd', url: `ws://127.0.0.1:${port}/`, close: () => stop(child) };
}

/** The `websocket` npm package's server: echoes text and binary, selects the first subprotocol offered. */
export async function websocketNpmEcho(): Promise<ForeignServer> {
  const http: Server = createServer((_req, res) => res.writeHead(404).end());
  const server = new websocket.server({
    httpServer: http,
    autoAcceptConnections: false,
    maxReceivedMessageSize: 16 << 20,
  });
  server.on('request', (request) => {
    const connection = request.accept(request.requestedProtocols[0] ?? null, request.origin);
    connection.on('message', (message) => {
      if (message.type === 'utf8') {
        const text = message.utf8Data;
        const close = /^close (\d+) ?(.*)$/s.exec(text);
        if (close) connection.close(Number(close[1]), close[2]);
        else connection.sendUTF(text);
      } else connection.sendBytes(message.binaryData);
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as { port: number }).port;
  return {
    name: 'websocket (npm)',
    url: `ws://127.0.0.1:${port}/`,
    close: async () => {
      server.shutDown();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
