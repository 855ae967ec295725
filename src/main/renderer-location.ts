import { DESKTOP_APP_ORIGIN } from '../shared/app-origin.ts';
import { APP_INDEX_URL } from './app-protocol.ts';

/** Where the windows load the UI from, and which origins count as the app's own pages. */
export interface RendererLocation {
  /** The page every window loads. */
  url: string;
  /** Origins (`scheme://host[:port]`) whose pages may use the IPC bridge and receive its events. */
  origins: readonly string[];
}

/**
 * `scheme://host[:port]` of an `app:`, `http:` or `https:` URL, lower-cased; null for anything else.
 * (Node's `URL#origin` is `"null"` for custom schemes, so it is spelled out here.)
 */
export function originOf(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const { protocol, host } = new URL(url);
  if (!['app:', 'http:', 'https:'].includes(protocol) || host === '') return null;
  return `${protocol}//${host}`.toLowerCase();
}

/** True when `url` is a page of one of `origins`. */
export function isOnOrigin(url: string, origins: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== null && origins.includes(origin);
}

/**
 * A packaged app always loads `app://tincan/index.html`. Running from source, electron-vite's dev
 * server (ELECTRON_RENDERER_URL) is used when it is set, and its origin is trusted too.
 */
export function rendererLocation(options: {
  isPackaged: boolean;
  devServerUrl?: string | undefined;
}): RendererLocation {
  const dev = options.isPackaged || !options.devServerUrl ? null : originOf(options.devServerUrl);
  if (dev === null || !options.devServerUrl) return { url: APP_INDEX_URL, origins: [DESKTOP_APP_ORIGIN] };
  return { url: options.devServerUrl, origins: [dev, DESKTOP_APP_ORIGIN] };
}
