import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostOptions } from '../../src/main/host/options.ts';

const HOST = fileURLToPath(new URL('../bench-host.ts', import.meta.url));
const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

export interface BenchHost {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Start a host in its own process, pinned to core 0 when taskset exists (the load generator takes core 1). */
export async function spawnBenchHost(options: HostOptions & { rooms?: string[] }): Promise<BenchHost> {
  // BENCH_HOST_NODE_ARGS='--cpu-prof' profiles the host.
  const extra = process.env.BENCH_HOST_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const args = [...extra, '--disable-warning=ExperimentalWarning', HOST, JSON.stringify(options)];
  const child = hasTaskset
    ? spawn('taskset', ['-c', '0', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`bench host exited with ${code}`)));
  });
  return {
    port,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Pin this process (the load generator) to core 1 where possible. */
export function pinSelf(core = 1): void {
  if (hasTaskset) spawnSync('taskset', ['-cp', String(core), String(process.pid)]);
}
