import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../src/main/cli/cli.ts', import.meta.url));

export interface HostProcess {
  child: ChildProcess;
  port: number;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Run the headless host CLI as a child process (the same Node as the tests) and wait for its loopback
 * URL. With `--no-discovery`: tests must not announce on the machine's real network (the discovery
 * tests run the CLI in network namespaces instead).
 */
export function spawnHost(
  args: string[],
  { stdin = 'ignore' }: { stdin?: 'ignore' | 'pipe' } = {},
): Promise<HostProcess> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', CLI, '--no-discovery', ...args], {
    stdio: [stdin, 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start: ${out}${err}`)), 15_000);
    const check = () => {
      const match = /https?:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]), stdout: () => out, stderr: () => err, exited });
      }
    };
    child.stdout!.on('data', check);
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code}: ${out}${err}`));
    });
  });
}

/** Run the CLI to completion (for flags that make it exit). */
export function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}
