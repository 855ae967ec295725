import type { FeedSource } from './feed.ts';
import { HostMetrics, type MetricsInputs } from './host-metrics.ts';
import type { RunStatus } from './process-runner.ts';

/** The built-in `host-metrics` feed's source: one JSON line of host metrics every interval while started. */
export class MetricsSource implements FeedSource {
  readonly kind = 'metrics';
  /** Host metrics have no stdin. */
  readonly stdinBacklog = 0;
  readonly #metrics: HostMetrics;
  readonly #intervalMs: number;
  readonly #clock: () => number;
  readonly #line: (json: string) => void;
  readonly #onStatus: (status: RunStatus) => void;
  #timer: NodeJS.Timeout | undefined;
  #status: RunStatus;

  constructor(
    inputs: MetricsInputs,
    intervalMs: number,
    line: (json: string) => void,
    onStatus: (status: RunStatus) => void,
  ) {
    this.#metrics = new HostMetrics(inputs);
    this.#intervalMs = intervalMs;
    this.#clock = inputs.clock;
    this.#line = line;
    this.#onStatus = onStatus;
    this.#status = { state: 'stopped', restarts: 0, since: inputs.clock() };
  }

  get status(): RunStatus {
    return this.#status;
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  start(): void {
    if (this.#timer) return;
    this.#metrics.sample(); // the first sample measures from now, not from construction
    this.#timer = setInterval(() => this.#line(JSON.stringify(this.#metrics.sample())), this.#intervalMs).unref();
    this.#set('running');
  }

  async stop(): Promise<void> {
    if (!this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#set('stopped');
  }

  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  write(): boolean {
    return false;
  }

  #set(state: 'running' | 'stopped'): void {
    this.#status = { state, restarts: 0, since: this.#clock() };
    this.#onStatus(this.#status);
  }
}
