// A Tincan host with one command feed, in its own process, for scenario H. The feed's process is a
// child of this one, so it runs on the same pinned core; the runner counts that core's CPU.
// Usage: node bench/feed-host.ts '{"command":["perl","-e","…"],"dataDir":"/tmp/x"}'
import { FeedService } from '../src/main/feeds/index.ts';
import { HostServer } from '../src/main/host/host-server.ts';
import { startProbe } from './lib/probe.ts';

interface Options {
  /** The feed's command; none: a room without a feed (the idle case). */
  command?: string[];
  dataDir?: string | null;
}

const options = JSON.parse(process.argv[2] ?? '{}') as Options;
const host = new HostServer({
  port: 0,
  bind: '127.0.0.1',
  dataDir: options.dataDir ?? null,
  durability: 'full',
  limits: {
    ratePerSecond: 1e9,
    rateBurst: 1e9,
    textBytesPerSecond: 1e12,
    textBytesBurst: 1e12,
    maxConnectionsPerAddress: 1e6,
    maxConnections: 1e6,
  },
  logger: { info() {}, warn() {}, error: (m) => process.stderr.write(`feed host: ${m}\n`) },
});
await host.createRoom('feed');
await host.listen();
const feeds = new FeedService({
  hub: host.hub,
  hostName: 'bench',
  connections: () => host.connectionCount,
  logger: { info() {}, warn() {}, error: (m) => process.stderr.write(`feed host: ${m}\n`) },
});
if (options.command) feeds.addCommand('feed', options.command, { name: 'producer' });
startProbe(host.port);
process.on(
  'SIGTERM',
  () =>
    void feeds
      .close()
      .then(() => host.close())
      .then(() => process.exit(0)),
);
