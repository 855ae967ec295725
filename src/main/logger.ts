/** What every service logs through. The headless host prints it; the desktop app forwards it from the host worker. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** For tests and benchmarks, and for services started without a logger. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
