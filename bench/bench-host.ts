// A Tincan HostServer in its own process for benchmarks. It reports its port, CPU, event-loop delay
// and memory to the runner over IPC (bench/lib/probe.ts), and a slow-consumer drop as an event.
// Usage: node --expose-gc bench/bench-host.ts '{"dataDir": "/tmp/x", "durability": "full"}'
import { HostServer } from '../src/main/host/host-server.ts';
import type { HostOptions } from '../src/main/host/options.ts';
import { emitEvent, startProbe } from './lib/probe.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as HostOptions & { rooms?: string[] };
const host = new HostServer({
  port: 0,
  bind: '127.0.0.1',
  ...options,
  limits: {
    ratePerSecond: 1e9,
    rateBurst: 1e9,
    textBytesPerSecond: 1e12,
    textBytesBurst: 1e12,
    maxConnectionsPerAddress: 1e6,
    maxConnections: 1e6,
    ...options.limits,
  },
  logger: {
    info() {},
    warn(message) {
      // "dropping slow consumer <address> (<n> bytes queued)"
      const slow = /^dropping slow consumer .*\((\d+) bytes queued\)/.exec(message);
      if (slow) emitEvent('slow-consumer-dropped', Number(slow[1]));
    },
    error(message) {
      process.stderr.write(`bench host: ${message}\n`);
    },
  },
});
for (const room of options.rooms ?? ['bench']) await host.createRoom(room);
await host.listen();
startProbe(host.port);
process.on('SIGTERM', () => void host.close().then(() => process.exit(0)));
