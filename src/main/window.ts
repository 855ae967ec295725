import { BrowserWindow, shell, type Session, type WebContents, type WebPreferences } from 'electron';
import { applyContentSecurityPolicy } from './csp.ts';

/** Permissions a page may be granted. Everything else (camera, geolocation, clipboard read …) is denied. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications']);

/** True only for absolute `http:` and `https:` URLs: the only ones handed to the operating system. */
export function isExternalWebUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { protocol } = new URL(url);
  return protocol === 'http:' || protocol === 'https:';
}

/** Opens `url` in the user's browser if it is http(s); anything else (file:, javascript:, custom schemes) is dropped. */
export function openExternalIfWeb(url: string): void {
  if (!isExternalWebUrl(url)) return;
  shell.openExternal(url).catch((error: unknown) => {
    console.error('[tincan] could not open external link', error);
  });
}

/**
 * Locks down a session once at start-up: our Content-Security-Policy on every response, and every
 * permission request or check denied unless it is in {@link ALLOWED_PERMISSIONS}.
 */
export function hardenSession(session: Session): void {
  applyContentSecurityPolicy(session);
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(ALLOWED_PERMISSIONS.has(permission));
  });
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
}

/**
 * Keeps a page where it is: it may not navigate away, open windows or attach webviews. Web links the
 * user clicks (by navigation or `window.open`) open in the system browser instead.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    openExternalIfWeb(event.url);
  });
  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfWeb(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
}

export interface MainWindowOptions {
  /** Absolute path of the built preload script (CommonJS, because the window is sandboxed). */
  preloadPath: string;
  /**
   * The page to load: `app://tincan/index.html` (see app-protocol.ts), or the dev server's URL when
   * running from source (never in a packaged app).
   */
  url: string;
}

/** The `webPreferences` of every Tincan window; exported so tests can compare against them. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
  };
}

/** Creates the main window with secure defaults, shows it once its first paint is ready, and loads the UI. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Tincan',
    width: 1100,
    height: 760,
    minWidth: 480,
    minHeight: 400,
    show: false,
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(options.preloadPath),
  });

  hardenWebContents(window.webContents);
  window.once('ready-to-show', () => window.show());

  window.loadURL(options.url).catch((error: unknown) => {
    console.error('[tincan] could not load the user interface', error);
  });

  return window;
}
