import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, protocol, session } from 'electron';
import { DESKTOP_APP_ORIGIN } from '../shared/app-origin.ts';
import { formatHostAddress } from '../shared/host-address.ts';
import { registerAppScheme, serveAppScheme } from './app-protocol.ts';
import { DiscoveryService } from './discovery-control/discovery-service.ts';
import { HostController } from './host-control/host-controller.ts';
import { registerIpcHandlers, sendIpcEvent, type IpcTrust } from './ipc.ts';
import { rendererLocation } from './renderer-location.ts';
import { pinCertificates } from './certificate-pinning.ts';
import { PinStore } from './pins/index.ts';
import { fileSavingFor } from './file-saving.ts';
import { createIpcServices, ignoreOwnHost, startHostingOnLaunch } from './services.ts';
import { SettingsStore } from './settings/settings-store.ts';
import { createMainWindow, hardenSession } from './window.ts';

// Wiring only: each piece lives in its own module and is set up here, in order. Paths are relative to
// the bundle in out/main, next to out/preload, out/renderer and out/web.

const here = import.meta.dirname;

// Must happen before the app is ready: app:// becomes a standard, secure scheme.
registerAppScheme(protocol);

// The dev server is honoured only when running from source, never in a packaged app.
const location = rendererLocation({ isPackaged: app.isPackaged, devServerUrl: process.env['ELECTRON_RENDERER_URL'] });
const trust: IpcTrust = { windows: () => BrowserWindow.getAllWindows(), origins: location.origins };

function openMainWindow(): BrowserWindow {
  return createMainWindow({ preloadPath: join(here, '../preload/index.cjs'), url: location.url });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

await app.whenReady();
hardenSession(session.defaultSession);
serveAppScheme(protocol, join(here, '../renderer'));

const userData = app.getPath('userData');
const settings = await SettingsStore.open({ dir: userData });
const webRoot = join(here, '../web');
const host = new HostController({
  workerUrl: pathToFileURL(join(here, 'host-worker.js')),
  dataDir: join(userData, 'host'),
  webRoot: existsSync(join(webRoot, 'index.html')) ? webRoot : null,
  // The protocol caps host names at 64 characters; some machines have longer ones.
  hostName: hostname().slice(0, 64) || 'tincan',
  // Every host accepts the app's origin; running from source, the UI has the dev server's, so add that.
  allowedOrigins: location.origins.filter((origin) => origin !== DESKTOP_APP_ORIGIN),
});
host.onStatus((status) => sendIpcEvent(trust, 'onHostStatus', status));
// Certificates pinned per host: the session accepts a LAN host's certificate only when it is the pinned one.
const pins = new PinStore(settings);
const reinstallPins = pinCertificates(session.defaultSession, pins, (refused) =>
  sendIpcEvent(trust, 'onCertificateRefused', refused),
);
// Hosts on the LAN (this app's own left out), pushed to the windows at most 4 times a second.
const discovery = new DiscoveryService({
  logger: console,
  isPinned: (h) =>
    h.addresses.some((a) => pins.check(formatHostAddress({ hostname: a, port: h.port }), h.fingerprint).pin === 'same'),
});
discovery.onChange((hosts) => sendIpcEvent(trust, 'onDiscoveredHosts', hosts));
ignoreOwnHost(host, discovery);
const onPinsChanged = () => {
  reinstallPins();
  discovery.refresh();
};
// Host files saved through a dialog, their progress pushed to the windows.
const fileSaving = fileSavingFor(
  trust.windows,
  (hostname, certPem) => pins.verify(hostname, certPem).verdict === 'pinned',
  (id, received, size) => sendIpcEvent(trust, 'onDownloadProgress', { id, received, size }),
);
registerIpcHandlers(
  ipcMain,
  createIpcServices({ settings, host, discovery, windows: trust.windows, pins, onPinsChanged, fileSaving }),
  trust,
);

openMainWindow();
app.on('activate', () => {
  if (BrowserWindow.getAllWindows().length === 0) openMainWindow();
});

// Quitting waits for the host to say goodbye on the LAN, store what is pending and close its connections,
// and for the discovery sockets to close.
let stopping: Promise<unknown> | undefined;
let hostStopped = false;
app.on('before-quit', (event) => {
  if (hostStopped) return;
  event.preventDefault();
  stopping ??= Promise.allSettled([host.stop(), discovery.stop()]).finally(() => {
    hostStopped = true;
    app.quit();
  });
});

void discovery.start();
void startHostingOnLaunch(settings, host);
