/**
 * The desktop bridge: what the preload exposes to the renderer as `window.tincan`.
 *
 * Only plain data for now. Later actions each get one named function here (never a generic
 * send/invoke/on). In a browser the bridge is absent, and the UI hides host-only controls.
 */
export interface TincanBridge {
  /** `process.platform` of the desktop app, e.g. `linux`, `darwin`, `win32`. */
  readonly platform: string;
  /** Versions of the runtime pieces, for the about box and bug reports. */
  readonly versions: {
    readonly electron: string;
    readonly node: string;
    readonly chrome: string;
  };
}

/** The name under which the bridge appears on `window`. */
export const BRIDGE_KEY = 'tincan';
