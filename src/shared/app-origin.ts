/**
 * The origin the desktop app's renderer runs under (a privileged custom scheme, not file://). No web
 * page can have it, so every Tincan host accepts WebSockets from it alongside its own origin.
 */
export const DESKTOP_APP_SCHEME = 'app';
export const DESKTOP_APP_ORIGIN = `${DESKTOP_APP_SCHEME}://tincan`;
