// A HostServer in its own process for benchmarks: prints its port, stops on SIGTERM.
// Usage: node bench/bench-host.ts '{"dataDir": "/tmp/x", "durability": "full"}'
import { HostServer } from '../src/main/host/host-server.ts';
import type { HostOptions } from '../src/main/host/options.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as HostOptions & { rooms?: string[] };
const host = new HostServer({
  port: 0,
  bind: '127.0.0.1',
  ...options,
  limits: { ratePerSecond: 1e9, rateBurst: 1e9, maxConnectionsPerAddress: 1e6, maxConnections: 1e6, ...options.limits },
});
for (const room of options.rooms ?? ['bench']) await host.createRoom(room);
await host.listen();
process.stdout.write(`PORT ${host.port}\n`);
process.on('SIGTERM', () => void host.close().then(() => process.exit(0)));
