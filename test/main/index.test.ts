import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The entry runs on import, so each test re-imports it after vi.resetModules(). The fake is created once
// (hoisted) so the re-imported entry and this file share it.
const fake = await vi.hoisted(() => import('../fakes/electron.ts'));
const { app, BrowserWindow, resetElectronFake, session } = fake;
vi.mock('electron', () => fake);

const devServer = 'http://localhost:5173/';

async function startApp(): Promise<InstanceType<typeof BrowserWindow>> {
  vi.resetModules();
  await import('../../src/main/index.ts');
  const [window] = BrowserWindow.instances;
  if (!window) throw new Error('the app opened no window');
  return window;
}

beforeEach(() => {
  resetElectronFake();
  vi.stubEnv('ELECTRON_RENDERER_URL', devServer);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('main entry', () => {
  it('hardens the default session and opens one window with the CommonJS preload', async () => {
    const window = await startApp();
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(session.defaultSession.setPermissionRequestHandler).toHaveBeenCalledTimes(1);
    expect(session.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalledTimes(1);
    expect(window.options.webPreferences?.['preload']).toMatch(/[/\\]preload[/\\]index\.cjs$/);
  });

  it('uses the dev server when running from source', async () => {
    const window = await startApp();
    expect(window.loadURL).toHaveBeenCalledWith(devServer);
  });

  it('ignores ELECTRON_RENDERER_URL in a packaged app and loads the built page', async () => {
    app.isPackaged = true;
    const window = await startApp();
    expect(window.loadURL).not.toHaveBeenCalled();
    expect(window.loadFile.mock.calls[0]?.[0]).toMatch(/[/\\]renderer[/\\]index\.html$/);
  });

  it('reopens a window on activate only when none is open', async () => {
    await startApp();
    app.emit('activate');
    expect(BrowserWindow.instances).toHaveLength(1);
    BrowserWindow.instances.length = 0;
    app.emit('activate');
    expect(BrowserWindow.instances).toHaveLength(1);
  });

  it('quits when the last window closes, except on macOS', async () => {
    await startApp();
    app.emit('window-all-closed');
    expect(app.quit).toHaveBeenCalledTimes(process.platform === 'darwin' ? 0 : 1);
  });
});
