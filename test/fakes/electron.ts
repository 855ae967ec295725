/**
 * The one fake of the `electron` module, for tests of the main process and the preload.
 *
 * Use it with `vi.mock('electron', () => import('../fakes/electron.ts'))` and import the same file to
 * reach the recorded calls. Only what Tincan uses is faked; call {@link resetElectronFake} in `beforeEach`.
 */
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

let nextProcessId = 1;

/** A frame of a page (`WebFrameMain`): the main frame has no parent. */
export class FakeWebFrameMain {
  url: string;
  readonly parent: FakeWebFrameMain | null;
  readonly processId: number;
  readonly routingId: number;
  constructor(url: string, parent: FakeWebFrameMain | null = null) {
    this.url = url;
    this.parent = parent;
    this.processId = parent?.processId ?? nextProcessId++;
    this.routingId = parent ? parent.routingId + 1 : 1;
  }
  get top(): FakeWebFrameMain {
    return this.parent?.top ?? this;
  }
}

let nextWebContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  /** The page's main frame; its `url` is what `getURL()` reports. */
  readonly mainFrame = new FakeWebFrameMain('app://tincan/index.html');
  destroyed = false;
  windowOpenHandler: WindowOpenHandler | undefined;

  /** Every `send(channel, ...args)` so far. */
  readonly send = vi.fn((_channel: string, ..._args: unknown[]) => {});
  readonly getURL = vi.fn(() => this.mainFrame.url);
  readonly isDestroyed = vi.fn(() => this.destroyed);

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
  readonly focus = vi.fn();
  readonly restore = vi.fn();
  focused = false;
  minimized = false;
  readonly isFocused = vi.fn(() => this.focused);
  readonly isMinimized = vi.fn(() => this.minimized);
  readonly isDestroyed = vi.fn(() => this.webContents.destroyed);
  readonly options: WindowOptions;

  constructor(options: WindowOptions = {}) {
    super();
    this.options = options;
    BrowserWindow.instances.push(this);
  }
}

export const shell = {
  openExternal: vi.fn(async (_url: string) => {}),
  showItemInFolder: vi.fn((_path: string) => {}),
};

type SaveDialogResult = { canceled: boolean; filePath?: string };

export const dialog = {
  /** What the next save dialog answers, as if the person chose it (default: closed without choosing). */
  nextSave: { canceled: true } as SaveDialogResult,
  showSaveDialog: vi.fn(async (..._args: unknown[]): Promise<SaveDialogResult> => dialog.nextSave),
};

type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void,
) => void;
type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
type PermissionCheckHandler = (contents: unknown, permission: string, origin: string) => boolean;
/** Electron's `CertificateVerifyProcProxy` request, the fields Tincan reads. */
export interface FakeCertificateRequest {
  hostname: string;
  certificate: { data: string; fingerprint?: string };
  verificationResult?: string;
  errorCode?: number;
}
type CertificateVerifyProc = (request: FakeCertificateRequest, callback: (verificationResult: number) => void) => void;

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

  certificateVerifyProc: CertificateVerifyProc | null = null;

  readonly setCertificateVerifyProc = vi.fn((proc: CertificateVerifyProc | null) => {
    this.certificateVerifyProc = proc;
  });

  /** What the installed proc answers for this request, as Chromium would ask it (0 accept, -2 refuse, -3 Chromium's own check). */
  verifyCertificate(request: FakeCertificateRequest): Promise<number> {
    const proc = this.certificateVerifyProc;
    if (!proc) return Promise.resolve(-3);
    return new Promise((resolve) => proc(request, resolve));
  }
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

/** The event `ipcMain.handle` listeners receive. */
export interface FakeIpcMainInvokeEvent {
  sender: FakeWebContents;
  senderFrame: FakeWebFrameMain | null;
}
type InvokeHandler = (event: FakeIpcMainInvokeEvent, ...args: unknown[]) => unknown;

export const ipcMain = {
  handlers: new Map<string, InvokeHandler>(),
  handle: vi.fn((channel: string, handler: InvokeHandler) => {
    if (ipcMain.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    ipcMain.handlers.set(channel, handler);
  }),
  removeHandler: vi.fn((channel: string) => {
    ipcMain.handlers.delete(channel);
  }),
  /**
   * Calls the handler of `channel` as a page would through `ipcRenderer.invoke`: from `sender`'s main
   * frame unless another frame is given.
   */
  async invoke(
    channel: string,
    from: { sender: FakeWebContents; frame?: FakeWebFrameMain | null },
    ...args: unknown[]
  ) {
    const handler = ipcMain.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    const frame = from.frame === undefined ? from.sender.mainFrame : from.frame;
    return handler({ sender: from.sender, senderFrame: frame }, ...args);
  },
};

/** The event object `ipcRenderer.on` listeners receive; the bridge must never pass it on. */
export class FakeIpcRendererEvent {
  readonly sender = { secret: 'the ipcRenderer itself' };
}

export const ipcRenderer = Object.assign(new EventEmitter(), {
  invoke: vi.fn(async (_channel: string, ..._args: unknown[]): Promise<unknown> => undefined),
  /** Delivers `args` on `channel` as the main process's `webContents.send` would. */
  deliver(channel: string, ...args: unknown[]): void {
    ipcRenderer.emit(channel, new FakeIpcRendererEvent(), ...args);
  },
});

type ProtocolHandler = (request: Request) => Response | Promise<Response>;
interface CustomScheme {
  scheme: string;
  privileges?: Record<string, boolean>;
}

export const protocol = {
  privileged: [] as CustomScheme[],
  handlers: new Map<string, ProtocolHandler>(),
  registerSchemesAsPrivileged: vi.fn((schemes: CustomScheme[]) => {
    protocol.privileged.push(...schemes);
  }),
  handle: vi.fn((scheme: string, handler: ProtocolHandler) => {
    if (protocol.handlers.has(scheme)) throw new Error(`The scheme '${scheme}' is already handled`);
    protocol.handlers.set(scheme, handler);
  }),
};

export class Notification extends EventEmitter {
  static readonly instances: Notification[] = [];
  static supported = true;
  static isSupported(): boolean {
    return Notification.supported;
  }
  readonly options: { title?: string; body?: string };
  readonly show = vi.fn();
  constructor(options: { title?: string; body?: string } = {}) {
    super();
    this.options = options;
    Notification.instances.push(this);
  }
}

let userData = join(tmpdir(), 'tincan-fake-user-data');

export const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  whenReady: vi.fn(async () => {}),
  quit: vi.fn(),
  getPath: vi.fn((name: string): string => {
    if (name !== 'userData') throw new Error(`the fake app knows only userData, not ${name}`);
    return userData;
  }),
  /** Points `getPath('userData')` at `dir` (a temp dir of the test). */
  setUserData(dir: string): void {
    userData = dir;
  },
});

/** Forgets every window, handler and call recorded so far. */
export function resetElectronFake(): void {
  BrowserWindow.instances.length = 0;
  shell.openExternal.mockClear();
  shell.showItemInFolder.mockClear();
  dialog.nextSave = { canceled: true };
  dialog.showSaveDialog.mockClear();
  session.defaultSession = new FakeSession();
  contextBridge.exposed.clear();
  contextBridge.exposeInMainWorld.mockClear();
  app.removeAllListeners();
  app.isPackaged = false;
  app.whenReady.mockClear();
  app.quit.mockClear();
  app.getPath.mockClear();
  ipcMain.handlers.clear();
  ipcMain.handle.mockClear();
  ipcMain.removeHandler.mockClear();
  ipcRenderer.removeAllListeners();
  ipcRenderer.invoke.mockReset();
  ipcRenderer.invoke.mockImplementation(async () => undefined);
  protocol.privileged.length = 0;
  protocol.handlers.clear();
  protocol.registerSchemesAsPrivileged.mockClear();
  protocol.handle.mockClear();
  Notification.instances.length = 0;
  Notification.supported = true;
}

export default {
  app,
  BrowserWindow,
  contextBridge,
  dialog,
  ipcMain,
  ipcRenderer,
  Notification,
  protocol,
  session,
  shell,
};
