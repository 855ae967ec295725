// One measurement: a fresh server (core 0) and a job for the long-lived load generator (core 1).
// The load generator asks for server samples at its checkpoints; they come back with its result.
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import type { Job, JobResult, LoadgenMessage, RunnerMessage } from './loadgen.ts';
import type { ServerSample } from './probe.ts';
import { spawnPinned, spawnServer, type ServerSpec } from './spawn-host.ts';

const LOADGEN = fileURLToPath(new URL('./loadgen.ts', import.meta.url));

export interface TrialResult<R extends JobResult = JobResult> {
  result: R;
  /** Server samples by checkpoint name ("start", "end", …). */
  server: Record<string, ServerSample>;
  /** Events the server reported, e.g. a slow consumer dropped. */
  events: { name: string; at: number; value?: number }[];
}

/** Distributive Omit, so a union of jobs keeps its members apart. */
export type JobSpec = Job extends infer J ? (J extends Job ? Omit<J, 'port' | 'flavor'> : never) : never;

export class Loadgen {
  #child: ChildProcess | undefined;

  #start(): ChildProcess {
    if (!this.#child || this.#child.exitCode !== null || this.#child.signalCode !== null) {
      this.#child = spawnPinned(1, ['--expose-gc', '--disable-warning=ExperimentalWarning', LOADGEN]);
    }
    return this.#child;
  }

  /** Run `job` against a fresh server of `spec`; the server is stopped afterwards whatever happens. */
  async trial<R extends JobResult>(spec: ServerSpec, job: JobSpec, timeoutMs: number): Promise<TrialResult<R>> {
    const server = await spawnServer(spec);
    const child = this.#start();
    const samples: Record<string, ServerSample> = {};
    const flavor = spec.kind.startsWith('ws-') ? 'ws' : spec.kind === 'socketio' ? 'socketio' : 'tincan';
    try {
      const result = await new Promise<R>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`${spec.kind}: no result after ${timeoutMs} ms`));
        }, timeoutMs);
        const onExit = (code: number | null) => {
          clearTimeout(timer);
          reject(new Error(`load generator exited (${code})`));
        };
        const onServerExit = (code: number | null, signal: string | null) => {
          clearTimeout(timer);
          child.kill('SIGKILL');
          reject(new Error(`${spec.kind} server exited during the run (${code ?? signal})`));
        };
        const done = () => {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
          server.child.off('exit', onServerExit);
        };
        const onMessage = (message: LoadgenMessage) => {
          if (message.type === 'checkpoint') {
            server.request(message.server).then((sample) => {
              samples[message.name] = sample;
              child.send({ type: 'continue', name: message.name } satisfies RunnerMessage);
            }, reject);
          } else if (message.type === 'result') {
            done();
            resolve(message.result as R);
          } else {
            done();
            reject(new Error(`${spec.kind}: ${message.message}`));
          }
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        server.child.once('exit', onServerExit);
        child.send({ type: 'job', job: { ...job, port: server.port, flavor } as Job } satisfies RunnerMessage);
      });
      return { result, server: samples, events: [...server.events] };
    } finally {
      await server.stop();
    }
  }

  stop(): void {
    this.#child?.kill('SIGKILL');
  }
}
