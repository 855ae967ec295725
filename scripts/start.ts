// `npm start`: the desktop app in development (`electron-vite dev`), when the Electron runtime is here
// or can be fetched. Electron ≥ 42 downloads its binary on first launch rather than at install; on a
// machine that cannot, say so in one line and point at the headless host instead of a stack trace.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const OFFLINE_MESSAGE =
  'Tincan: the Electron runtime could not be downloaded (offline?). ' +
  'Run the headless host instead: npm run host — then open http://localhost:4747 in a browser.';

export const DOWNLOADING_MESSAGE = 'Tincan: downloading the Electron runtime (once)…';

/** How long a fetch may run before the user is told a download is under way (ms). */
const QUIET_FETCH_MS = 3000;

const require = createRequire(import.meta.url);

/** The folder of the `electron` package (node_modules/electron). */
export function electronPackageDir(): string {
  return dirname(require.resolve('electron/package.json'));
}

/**
 * The Electron executable that `electron-vite dev` would start, or null when it is missing. Follows
 * what electron-vite and electron's own index.js read: ELECTRON_EXEC_PATH, else `path.txt` naming the
 * executable inside `dist/` (or inside ELECTRON_OVERRIDE_DIST_PATH).
 */
export function findElectronBinary(packageDir: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const exec = env['ELECTRON_EXEC_PATH'];
  if (exec && existsSync(exec)) return exec;
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  if (!relative) return null;
  const distDir = env['ELECTRON_OVERRIDE_DIST_PATH'] || join(packageDir, 'dist');
  const binary = join(distDir, relative);
  return existsSync(binary) ? binary : null;
}

/**
 * Runs electron's own installer (node_modules/electron/install.js, what electron runs on first launch):
 * it uses @electron/get's cache, then the network. Its output is kept back, so a failure leaves no
 * stack trace on screen. Resolves whether it succeeded.
 */
export function fetchElectronBinary(packageDir: string, onSlow: () => void = () => {}): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(packageDir, 'install.js')], { stdio: 'ignore' });
    const slow = setTimeout(onSlow, QUIET_FETCH_MS);
    const done = (ok: boolean) => {
      clearTimeout(slow);
      resolve(ok);
    };
    child.once('error', () => done(false));
    child.once('exit', (code) => done(code === 0));
  });
}

/** Where the Electron runtime is, fetching it when missing; null when it is missing and cannot be fetched. */
export type ElectronProbe = () => Promise<string | null>;

export const probeElectron: ElectronProbe = async () => {
  const dir = electronPackageDir();
  const found = findElectronBinary(dir);
  if (found) return found;
  const fetched = await fetchElectronBinary(dir, () => process.stderr.write(`${DOWNLOADING_MESSAGE}\n`));
  return fetched ? findElectronBinary(dir) : null;
};

/** Runs `electron-vite dev` with the terminal attached; resolves with its exit code. */
export function runElectronViteDev(electronBinary: string, args: readonly string[] = []): Promise<number> {
  const cli = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
  const child: ChildProcess = spawn(process.execPath, [cli, 'dev', ...args], {
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_EXEC_PATH: electronBinary },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.once('error', () => resolve(1));
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

export interface StartDependencies {
  probe: ElectronProbe;
  run: (electronBinary: string) => Promise<number>;
  /** Writes one line to stderr. */
  error: (line: string) => void;
}

/** Decides and runs; resolves with the exit code for the process. */
export async function start(deps: StartDependencies): Promise<number> {
  let binary: string | null;
  try {
    binary = await deps.probe();
  } catch {
    binary = null;
  }
  if (!binary) {
    deps.error(OFFLINE_MESSAGE);
    return 1;
  }
  return deps.run(binary);
}

if (import.meta.main) {
  const code = await start({
    probe: probeElectron,
    run: (binary) => runElectronViteDev(binary, process.argv.slice(2)),
    error: (line) => process.stderr.write(`${line}\n`),
  });
  process.exitCode = code;
}
