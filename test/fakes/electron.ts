/**
 * The one fake of the `electron` module, for tests of the main process and the preload.
 *
 * Use it with `vi.mock('electron', () => import('../fakes/electron.ts'))` and import the same file to
 * reach the recorded calls. Only what Tincan uses is faked; call {@link resetElectronFake} in `beforeEach`.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/** The event object Electron passes to `will-navigate` and similar cancellable events. */
export class FakeEvent {
  defaultPrevented = false;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

interface WindowOpenDetails {
  url: string;
}
type WindowOpenHandler = (details: WindowOpenDetails) => { action: 'allow' | 'deny' };

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: WindowOpenHandler | undefined;

  readonly setWindowOpenHandler = vi.fn((handler: WindowOpenHandler) => {
    this.windowOpenHandler = handler;
  });

  /** Simulates the page trying to navigate to `url`; returns the event so tests can check it was prevented. */
  attemptNavigation(url: string): FakeEvent {
    const event = new FakeEvent(url);
    this.emit('will-navigate', event, url);
    return event;
  }

  /** Simulates `window.open(url)`; returns what the window-open handler decided (allow when none is set). */
  attemptWindowOpen(url: string): { action: 'allow' | 'deny' } {
    return this.windowOpenHandler ? this.windowOpenHandler({ url }) : { action: 'allow' };
  }
}

type WindowOptions = Record<string, unknown> & { webPreferences?: Record<string, unknown> };

export class BrowserWindow extends EventEmitter {
  static readonly instances: BrowserWindow[] = [];
  static getAllWindows(): BrowserWindow[] {
    return [...BrowserWindow.instances];
  }

  readonly webContents = new FakeWebContents();
  readonly loadURL = vi.fn(async (_url: string) => {});
  readonly loadFile = vi.fn(async (_path: string) => {});
  readonly show = vi.fn();
  readonly options: WindowOptions;

  constructor(options: WindowOptions = {}) {
    super();
    this.options = options;
    BrowserWindow.instances.push(this);
  }
}

export const shell = {
  openExternal: vi.fn(async (_url: string) => {}),
};

type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void,
) => void;
type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
type PermissionCheckHandler = (contents: unknown, permission: string, origin: string) => boolean;

export class FakeSession {
  headersListener: HeadersListener | undefined;
  permissionRequestHandler: PermissionRequestHandler | undefined;
  permissionCheckHandler: PermissionCheckHandler | undefined;

  readonly webRequest = {
    onHeadersReceived: vi.fn((listener: HeadersListener) => {
      this.headersListener = listener;
    }),
  };

  readonly setPermissionRequestHandler = vi.fn((handler: PermissionRequestHandler) => {
    this.permissionRequestHandler = handler;
  });

  readonly setPermissionCheckHandler = vi.fn((handler: PermissionCheckHandler) => {
    this.permissionCheckHandler = handler;
  });
}

export const session = {
  defaultSession: new FakeSession(),
};

export const contextBridge = {
  /** Everything exposed so far, by key. */
  exposed: new Map<string, unknown>(),
  exposeInMainWorld: vi.fn((key: string, api: unknown) => {
    contextBridge.exposed.set(key, api);
  }),
};

export const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  whenReady: vi.fn(async () => {}),
  quit: vi.fn(),
});

/** Forgets every window, handler and call recorded so far. */
export function resetElectronFake(): void {
  BrowserWindow.instances.length = 0;
  shell.openExternal.mockClear();
  session.defaultSession = new FakeSession();
  contextBridge.exposed.clear();
  contextBridge.exposeInMainWorld.mockClear();
  app.removeAllListeners();
  app.isPackaged = false;
  app.whenReady.mockClear();
  app.quit.mockClear();
}

export default { app, BrowserWindow, contextBridge, session, shell };
