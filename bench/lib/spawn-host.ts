// Benchmark servers in their own processes: Tincan's host and each baseline, pinned to core 0 when
// taskset exists (the load generator takes core 1), run with --expose-gc, and talking to the
// runner over IPC (bench/lib/probe.ts).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostOptions } from '../../src/main/host/options.ts';
import type { ProbeMessage, ProbeRequest, ServerSample } from './probe.ts';

export const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

export type ServerKind = 'tincan' | 'ws-corked' | 'ws-frame-once' | 'ws-naive' | 'ws-relay' | 'socketio';

export interface ServerSpec {
  kind: ServerKind;
  /** Tincan only. */
  options?: HostOptions & { rooms?: string[] };
  /** Tincan only: run this bench host instead of today's (an earlier build, bench/lib/previous-build.ts). */
  script?: string;
}

const SCRIPTS: Record<ServerKind, string> = {
  tincan: '../bench-host.ts',
  'ws-corked': '../baselines/ws-corked.ts',
  'ws-frame-once': '../baselines/ws-frame-once.ts',
  'ws-naive': '../baselines/ws-naive.ts',
  'ws-relay': '../baselines/ws-relay.ts',
  socketio: '../baselines/socketio.ts',
};

export interface BenchServer {
  port: number;
  child: ChildProcess;
  /** Events the server reported (e.g. a slow consumer dropped), with wall-clock times. */
  events: { name: string; at: number; value?: number }[];
  /** Ask for a sample: 'reset' starts a new measuring window (and returns the one it closes). */
  request(cmd: ProbeRequest['cmd']): Promise<ServerSample>;
  stop(): Promise<void>;
}

/** Run a node script pinned to `core` (when taskset exists) with an IPC channel. */
export function spawnPinned(core: number, args: string[], stdout: 'inherit' | 'ignore' = 'inherit'): ChildProcess {
  // A compile cache makes the many short-lived servers start faster; it changes nothing they measure.
  const options = {
    stdio: ['ignore', stdout, 'inherit', 'ipc'] as ('ignore' | 'inherit' | 'ipc')[],
    env: { ...process.env, NODE_COMPILE_CACHE: join(tmpdir(), 'tincan-bench-compile-cache') },
  };
  return hasTaskset
    ? spawn('taskset', ['-c', String(core), process.execPath, ...args], options)
    : spawn(process.execPath, args, options);
}

export async function spawnServer(spec: ServerSpec): Promise<BenchServer> {
  // BENCH_HOST_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles Tincan's host.
  const tincan = spec.kind === 'tincan';
  const extra = tincan ? (process.env.BENCH_HOST_NODE_ARGS?.split(' ').filter(Boolean) ?? []) : [];
  const script = spec.script ?? fileURLToPath(new URL(SCRIPTS[spec.kind], import.meta.url));
  const args = [...extra, '--expose-gc', '--disable-warning=ExperimentalWarning', script];
  if (tincan) args.push(JSON.stringify(spec.options ?? {}));
  const child = spawnPinned(0, args);
  const events: BenchServer['events'] = [];
  const waiting = new Map<number, (sample: ServerSample) => void>();
  let nextId = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (message: ProbeMessage) => {
      if (message.type === 'ready') resolve(message.port);
      else if (message.type === 'event') events.push(message);
      else if (message.type === 'reply') {
        waiting.get(message.id)?.(message.sample);
        waiting.delete(message.id);
      }
    });
    child.once('exit', (code, signal) => reject(new Error(`${spec.kind} server exited (${code ?? signal})`)));
  });
  return {
    port,
    child,
    events,
    request: (cmd) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, resolve);
        child.send({ id, cmd } satisfies ProbeRequest, (error) => error && reject(error));
      }),
    stop: () => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      // A profile is written only on a clean exit; otherwise do not wait for a graceful close.
      child.kill(extra.length > 0 ? 'SIGTERM' : 'SIGKILL');
      return exited;
    },
  };
}

/** Pin this process to `core` where possible. */
export function pinSelf(core = 1): void {
  if (hasTaskset) spawnSync('taskset', ['-cp', String(core), String(process.pid)]);
}
