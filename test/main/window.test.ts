import type { Session } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, resetElectronFake, session, shell } from '../fakes/electron.ts';
import {
  ALLOWED_PERMISSIONS,
  createMainWindow,
  hardenSession,
  isExternalWebUrl,
  secureWebPreferences,
} from '../../src/main/window.ts';

vi.mock('electron', () => import('../fakes/electron.ts'));

const paths = { preloadPath: '/app/out/preload/index.cjs' };

function openWindow(url = 'app://tincan/index.html'): BrowserWindow {
  createMainWindow({ ...paths, url });
  const [window] = BrowserWindow.instances;
  if (!window) throw new Error('createMainWindow made no BrowserWindow');
  return window;
}

beforeEach(() => {
  resetElectronFake();
});

describe('createMainWindow', () => {
  it('creates exactly one window with isolated, sandboxed, Node-free web preferences', () => {
    const window = openWindow();
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(window.options.webPreferences).toMatchObject({
      preload: paths.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(window.options.webPreferences).toEqual(secureWebPreferences(paths.preloadPath));
  });

  it('loads the page it is given: the app:// page, or the dev server', () => {
    const built = openWindow();
    expect(built.loadURL).toHaveBeenCalledWith('app://tincan/index.html');
    expect(built.loadFile).not.toHaveBeenCalled();

    resetElectronFake();
    const dev = openWindow('http://localhost:5173/');
    expect(dev.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
    expect(dev.loadFile).not.toHaveBeenCalled();
  });

  it('stays hidden until the first paint is ready', () => {
    const window = openWindow();
    expect(window.options['show']).toBe(false);
    expect(window.show).not.toHaveBeenCalled();
    window.emit('ready-to-show');
    expect(window.show).toHaveBeenCalledTimes(1);
  });

  it('prevents every navigation and opens only web links externally', () => {
    const { webContents } = openWindow();
    for (const url of ['https://example.com/', 'http://192.168.1.20:8080/', 'file:///etc/passwd', 'tincan://x']) {
      expect(webContents.attemptNavigation(url).defaultPrevented).toBe(true);
    }
    expect(shell.openExternal.mock.calls.map(([url]) => url)).toEqual([
      'https://example.com/',
      'http://192.168.1.20:8080/',
    ]);
  });

  it('denies every window.open and opens only web links externally', () => {
    const { webContents } = openWindow();
    expect(webContents.setWindowOpenHandler).toHaveBeenCalledTimes(1);
    const urls = [
      'https://example.com/a',
      'javascript:alert(1)',
      'file:///C:/Windows/',
      'smb://nas/share',
      'not a url',
    ];
    for (const url of urls) {
      expect(webContents.attemptWindowOpen(url)).toEqual({ action: 'deny' });
    }
    expect(shell.openExternal.mock.calls.map(([url]) => url)).toEqual(['https://example.com/a']);
  });

  it('refuses to attach webviews', () => {
    const { webContents } = openWindow();
    let prevented = false;
    webContents.emit('will-attach-webview', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });
});

describe('isExternalWebUrl', () => {
  it('accepts only absolute http and https URLs', () => {
    expect(isExternalWebUrl('https://tincan.app/')).toBe(true);
    expect(isExternalWebUrl('HTTP://LOCALHOST:80/')).toBe(true);
    for (const url of [
      'file:///x',
      'javascript:void 0',
      'data:text/html,hi',
      'mailto:a@b.c',
      '//example.com',
      '/x',
      '',
    ]) {
      expect(isExternalWebUrl(url)).toBe(false);
    }
  });
});

describe('hardenSession', () => {
  const permissions = [
    'notifications',
    'media',
    'geolocation',
    'clipboard-read',
    'display-capture',
    'openExternal',
    'fullscreen',
    'hid',
    'serial',
    'usb',
    'unknown',
  ];

  function hardened() {
    const fake = session.defaultSession;
    hardenSession(fake as unknown as Session);
    return fake;
  }

  it('grants permission requests for notifications only', () => {
    const fake = hardened();
    const granted = permissions.filter((permission) => {
      let answer: boolean | undefined;
      fake.permissionRequestHandler?.({}, permission, (value) => (answer = value));
      expect(answer).toBeTypeOf('boolean');
      return answer;
    });
    expect(granted).toEqual(['notifications']);
  });

  it('passes permission checks for notifications only', () => {
    const fake = hardened();
    const passed = permissions.filter((permission) => fake.permissionCheckHandler?.({}, permission, 'file://'));
    expect(passed).toEqual(['notifications']);
    expect([...ALLOWED_PERMISSIONS]).toEqual(['notifications']);
  });

  it('installs the Content-Security-Policy header', () => {
    const fake = hardened();
    expect(fake.webRequest.onHeadersReceived).toHaveBeenCalledTimes(1);
  });
});
