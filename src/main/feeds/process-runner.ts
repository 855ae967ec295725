import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { FeedState } from '../../shared/protocol/index.ts';
import { quote } from 'shell-quote';
import { LineSplitter } from './feed-line.ts';
import type { FeedLimits } from './feed-limits.ts';

/** What a feed's process looks like from outside, at one moment. */
export interface RunStatus {
  state: FeedState;
  pid?: number;
  code?: number;
  signal?: string;
  error?: string;
  restarts: number;
  retryAt?: number;
  since: number;
}

export interface ProcessRunnerEvents {
  /** A line the process printed (`out`, `err`), or one the runner says about it (`sys`). */
  line: [text: string, stream: 'out' | 'err' | 'sys', cut: boolean];
  /** The status changed. */
  status: [status: RunStatus];
}

export interface ProcessRunnerOptions {
  /** Program and arguments; run without a shell. */
  command: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  limits: Pick<FeedLimits, 'maxLineBytes' | 'restartBaseMs' | 'restartMaxMs' | 'stableMs' | 'stopGraceMs'>;
  clock: () => number;
}

/**
 * Start errors that trying again cannot mend: the program is not there, or may not be run. The
 * runner stops at `failed` on these instead of restarting forever; the operator's `start` tries again.
 */
const PERMANENT_START_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'command not found',
  EACCES: 'not executable',
  ENOTDIR: 'command not found',
  EISDIR: 'not executable',
};

/**
 * One command, run as its own process group, its stdout and stderr split into lines. When it ends
 * on its own with code 0 it is `finished`; when it cannot be started because the program is missing
 * or not executable it is `failed` and waits for the operator; when it fails otherwise (a non-zero
 * code, a signal, another start error) it is started again after a backoff that doubles with each
 * failure in a row (restartBaseMs … restartMaxMs) and resets after a run of stableMs. The operator's
 * `stop` ends it (SIGTERM to the group, SIGKILL after stopGraceMs) and it stays stopped until `start`.
 */
export class ProcessRunner extends EventEmitter<ProcessRunnerEvents> {
  readonly kind = 'command';
  readonly command: readonly string[];
  readonly #options: ProcessRunnerOptions;
  #child: ChildProcess | undefined;
  #status: RunStatus;
  #failures = 0;
  #startedAt = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #killTimer: NodeJS.Timeout | undefined;
  #stopping = false;
  #exited: Promise<void> = Promise.resolve();

  constructor(options: ProcessRunnerOptions) {
    super();
    this.command = options.command;
    this.#options = options;
    this.#status = { state: 'stopped', restarts: 0, since: options.clock() };
  }

  get status(): RunStatus {
    return this.#status;
  }

  get running(): boolean {
    return this.#status.state === 'running';
  }

  /** Start it (the operator's start: the restart count and backoff begin again). No-op while running. */
  start(): void {
    if (this.#child) return;
    clearTimeout(this.#retryTimer);
    this.#failures = 0;
    this.#status = { ...this.#status, restarts: 0 };
    this.#spawn();
  }

  /** Stop it and keep it stopped. Resolves once the process is gone. */
  async stop(): Promise<void> {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const child = this.#child;
    if (!child) {
      if (this.#status.state === 'stopped') return;
      this.emit('line', 'stopped by the operator', 'sys', false);
      this.#set({ state: 'stopped', restarts: this.#status.restarts });
      return;
    }
    this.#stopping = true;
    this.#signal(child, 'SIGTERM');
    this.#killTimer = setTimeout(() => this.#signal(child, 'SIGKILL'), this.#options.limits.stopGraceMs).unref();
    await this.#exited;
  }

  /** Stop it if it runs, then start it again. */
  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  /** Bytes written to the process's stdin that it has not read yet. */
  get stdinBacklog(): number {
    return this.#child?.stdin?.writableLength ?? 0;
  }

  /** Write one line to its stdin. False when it is not running (nothing written). */
  write(line: string): boolean {
    const stdin = this.#child?.stdin;
    if (!this.running || !stdin || stdin.destroyed || !stdin.writable) return false;
    stdin.write(`${line}\n`);
    return true;
  }

  #spawn(): void {
    const { command, env, cwd, limits, clock } = this.#options;
    this.#stopping = false;
    this.#set({ state: 'starting', restarts: this.#status.restarts });
    let child: ChildProcess;
    try {
      // detached: its own process group, so stop reaches what it started too (sh -c 'a | b').
      child = spawn(command[0]!, command.slice(1), { shell: false, detached: true, env, cwd, stdio: 'pipe' });
    } catch (error) {
      this.#failed((error as NodeJS.ErrnoException).code ?? String(error));
      return;
    }
    this.#child = child;
    this.#startedAt = clock();
    let resolveExited!: () => void;
    this.#exited = new Promise((resolve) => (resolveExited = resolve));
    const out = new LineSplitter(limits.maxLineBytes);
    const err = new LineSplitter(limits.maxLineBytes);
    const onOut = (text: string, cut: boolean) => this.emit('line', text, 'out', cut);
    const onErr = (text: string, cut: boolean) => this.emit('line', text, 'err', cut);
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk, onOut));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk, onErr));
    child.stdin!.on('error', () => {}); // EPIPE when it closed its stdin: nothing to tell
    let spawnError: string | undefined;
    child.once('error', (error: NodeJS.ErrnoException) => (spawnError = error.code ?? error.message));
    child.once('spawn', () => {
      this.#set({ state: 'running', pid: child.pid, restarts: this.#status.restarts });
      this.emit('line', `started: ${quote(command)} (pid ${child.pid})`, 'sys', false);
    });
    // 'close' comes after the output is read to its end, so the exit is the last thing said.
    child.once('close', (code, signal) => {
      out.end(onOut);
      err.end(onErr);
      clearTimeout(this.#killTimer);
      this.#child = undefined;
      resolveExited();
      if (spawnError !== undefined) this.#failed(spawnError);
      else if (this.#stopping) {
        this.emit('line', 'stopped by the operator', 'sys', false);
        this.#set({ state: 'stopped', restarts: this.#status.restarts, ...ended(code, signal) });
      } else if (code === 0) {
        this.emit('line', 'finished (exit code 0)', 'sys', false);
        this.#set({ state: 'finished', code: 0, restarts: this.#status.restarts });
      } else {
        if (clock() - this.#startedAt >= limits.stableMs) this.#failures = 0;
        this.#retry(ended(code, signal));
      }
    });
  }

  #failed(error: string): void {
    this.#child = undefined;
    const permanent = Object.hasOwn(PERMANENT_START_ERRORS, error) ? PERMANENT_START_ERRORS[error] : undefined;
    if (permanent === undefined) {
      this.emit('line', `could not start ${this.command[0]}: ${error}`, 'sys', false);
      this.#retry({ error: error.slice(0, 200) });
      return;
    }
    const cwd = this.#options.cwd;
    // spawn says ENOENT for a missing working folder too: do not blame the command then.
    const why = error === 'ENOENT' && cwd !== undefined && !existsSync(cwd) ? 'working folder not found' : permanent;
    const what = why === 'working folder not found' ? cwd : this.command[0];
    this.emit('line', `${why}: ${what} (${error}); not restarted until the operator starts it again`, 'sys', false);
    this.#set({ state: 'failed', error, restarts: this.#status.restarts });
  }

  #retry(end: Pick<RunStatus, 'code' | 'signal' | 'error'>): void {
    const { restartBaseMs, restartMaxMs } = this.#options.limits;
    const delay = Math.min(restartMaxMs, restartBaseMs * 2 ** Math.min(this.#failures, 30));
    this.#failures++;
    const why = end.error ? 'failed' : end.signal ? `killed by ${end.signal}` : `exited with code ${end.code}`;
    if (end.error === undefined) this.emit('line', `${why}; restarting in ${formatDelay(delay)}`, 'sys', false);
    else this.emit('line', `restarting in ${formatDelay(delay)}`, 'sys', false);
    const now = this.#options.clock();
    this.#set({ state: 'restarting', restarts: this.#status.restarts, retryAt: now + delay, ...end }, now);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#status = { ...this.#status, restarts: this.#status.restarts + 1 };
      this.#spawn();
    }, delay);
  }

  #signal(child: ChildProcess, signal: NodeJS.Signals): void {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      child.kill(signal); // the group is gone already, or it never became one
    }
  }

  #set(status: Omit<RunStatus, 'since'>, since = this.#options.clock()): void {
    this.#status = { ...status, since };
    this.emit('status', this.#status);
  }
}

function ended(code: number | null, signal: NodeJS.Signals | null): Pick<RunStatus, 'code' | 'signal'> {
  return signal ? { signal } : code === null ? {} : { code };
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
