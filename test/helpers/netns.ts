import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * A real virtual LAN for tests: network namespaces joined by veth pairs (two nodes: one pair; three
 * or more: each node's veth ends on a bridge in its own namespace). Every node has one adapter,
 * `eth0`, with 10.213.<n>.<i+1>/24, and loopback up. Nothing is added to the test machine's own
 * namespace; everything disappears with `destroy()` (and stale namespaces of dead test runs are
 * swept on the next `createLan`).
 */

const PREFIX = 'tct-';

export interface NsProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Every stdout line that is a JSON object, parsed, in order. */
  events(): Record<string, unknown>[];
  /** Resolves with the first JSON line (past or future) matching `match`. */
  waitForEvent(match: (e: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the match and the Date.now() at which the output holding it was read. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<{ match: RegExpExecArray; at: number }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface LanNode {
  ns: string;
  address: string;
  /** Spawn a process inside this node's namespace. */
  spawn(command: string, args: string[]): NsProcess;
  /** Run a command inside the namespace to completion; rejects on a non-zero exit. */
  run(command: string, args: string[], input?: string): Promise<string>;
}

export interface VirtualLan {
  subnet: string;
  nodes: LanNode[];
  /** Drop all IPv4 multicast (224.0.0.0/4) to and from this node, with nftables inside its namespace. */
  dropMulticast(node: LanNode): Promise<void>;
  /** Add a stand-in adapter (e.g. `docker0`) with an address, to check it is not announced. */
  addDummy(node: LanNode, name: string, cidr: string): Promise<void>;
  destroy(): Promise<void>;
}

function exec(command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

const ip = (...args: string[]) => exec('ip', args);

/** Why namespaces cannot be used here, or null when they can. */
export async function netnsUnavailable(): Promise<string | null> {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root; run the tests as root to include them';
  try {
    await exec('ip', ['-V']);
  } catch {
    return 'the `ip` command (iproute2) is missing: apt-get install iproute2';
  }
  const probe = `${PREFIX}${process.pid}-probe`;
  try {
    await ip('netns', 'add', probe);
  } catch (error) {
    return `\`ip netns add\` failed: ${(error as Error).message}`;
  } finally {
    await ip('netns', 'del', probe).catch(() => {});
  }
  return null;
}

/** True when `nft` is installed (the multicast-blocking tests need it). */
export async function hasNft(): Promise<boolean> {
  return exec('nft', ['--version']).then(
    () => true,
    () => false,
  );
}

/** Delete namespaces left by test runs whose process is gone (a crash or SIGKILL skips `destroy`). */
async function sweepStale(): Promise<void> {
  const list = await ip('netns', 'list').catch(() => '');
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const pid = Number(/^tct-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch {
      await ip('netns', 'del', name).catch(() => {});
    }
  }
}

function track(child: ChildProcess): NsProcess {
  let out = '';
  let err = '';
  const events: Record<string, unknown>[] = [];
  const listeners = new Set<() => void>();
  let partial = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    out += d;
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        events.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not JSON after all
      }
    }
    for (const l of [...listeners]) l();
  });
  child.stderr!.on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
      for (const l of [...listeners]) l();
    }),
  );
  let done = false;
  void exited.then(() => (done = true));
  const wait = <T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const listener = () => {
        const found = check();
        if (found !== undefined) {
          cleanup();
          resolve(found);
        } else if (done || child.exitCode !== null || child.signalCode !== null) {
          cleanup();
          reject(new Error(`process exited before ${what}:\n${out}\n${err}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${out}\n${err}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(listener);
      };
      listeners.add(listener);
      listener();
    });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    events: () => events,
    exited,
    waitForEvent: (match, timeoutMs = 10_000) => wait(() => events.find(match), 'a matching event', timeoutMs),
    waitForOutput: (pattern, timeoutMs = 10_000) =>
      wait(
        () => {
          const match = pattern.exec(out);
          return match ? { match, at: Date.now() } : undefined;
        },
        String(pattern),
        timeoutMs,
      ),
  };
}

/**
 * Build a LAN of `count` namespaces. `subnet` is the first three octets (default 10.213.1); node i
 * gets .i+1. Namespaces are named `tct-<pid>-<random>-<i>` so parallel runs never share one.
 */
export async function createLan(count: number, options: { subnet?: string } = {}): Promise<VirtualLan> {
  await sweepStale();
  const subnet = options.subnet ?? '10.213.1';
  const run = `${PREFIX}${process.pid}-${randomBytes(3).toString('hex')}`;
  const names = Array.from({ length: count }, (_, i) => `${run}-${i}`);
  const bridge = count > 2 ? `${run}-br` : null;
  const created: string[] = [];
  const children = new Set<ChildProcess>();

  const destroy = async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(
      [...children].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            setTimeout(resolve, 3000).unref();
          }),
      ),
    );
    for (const ns of created.reverse()) await ip('netns', 'del', ns).catch(() => {});
  };

  try {
    for (const ns of [...names, ...(bridge ? [bridge] : [])]) {
      await ip('netns', 'add', ns);
      created.push(ns);
      await ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    if (bridge) {
      await ip('-n', bridge, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0');
      await ip('-n', bridge, 'link', 'set', 'br0', 'up');
      for (const [i, ns] of names.entries()) {
        await ip('-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `p${i}`, 'netns', bridge);
        await ip('-n', bridge, 'link', 'set', `p${i}`, 'master', 'br0');
        await ip('-n', bridge, 'link', 'set', `p${i}`, 'up');
      }
    } else {
      await ip('-n', names[0]!, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', names[1]!);
    }
    for (const [i, ns] of names.entries()) {
      await ip('-n', ns, 'addr', 'add', `${subnet}.${i + 1}/24`, 'brd', '+', 'dev', 'eth0');
      await ip('-n', ns, 'link', 'set', 'eth0', 'up');
    }
    // Wait for carrier: until both ends of a veth are up, the OS (and Node's networkInterfaces())
    // does not list the adapter as running.
    for (const ns of names) {
      for (let tries = 0; !/state UP/.test(await ip('-n', ns, 'link', 'show', 'eth0')); tries++) {
        if (tries > 100) throw new Error(`eth0 in ${ns} did not come up`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  } catch (error) {
    await destroy();
    throw error;
  }

  const nodes: LanNode[] = names.map((ns, i) => ({
    ns,
    address: `${subnet}.${i + 1}`,
    spawn(command, args) {
      // stdin is a pipe, so a test can type into the headless host's console.
      const child = spawn('ip', ['netns', 'exec', ns, command, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      children.add(child);
      return track(child);
    },
    run: (command, args, input) => exec('ip', ['netns', 'exec', ns, command, ...args], input),
  }));

  return {
    subnet,
    nodes,
    async dropMulticast(node) {
      const rules = [
        'table inet tincan_test {',
        '  chain input { type filter hook input priority 0; ip daddr 224.0.0.0/4 drop; }',
        '  chain output { type filter hook output priority 0; ip daddr 224.0.0.0/4 drop; }',
        '}',
      ].join('\n');
      await node.run('nft', ['-f', '-'], rules);
    },
    async addDummy(node, name, cidr) {
      // A veth pair with both ends in the namespace (the `dummy` type is not built into every kernel).
      const peer = `${name.slice(0, 10)}-peer`;
      await ip('-n', node.ns, 'link', 'add', name, 'type', 'veth', 'peer', 'name', peer);
      await ip('-n', node.ns, 'addr', 'add', cidr, 'dev', name);
      await ip('-n', node.ns, 'link', 'set', peer, 'up');
      await ip('-n', node.ns, 'link', 'set', name, 'up');
    },
    destroy,
  };
}
