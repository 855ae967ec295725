import type { IpcAction, IpcArgs, IpcEvent, IpcPayload, IpcResult } from './ipc.ts';

/**
 * The desktop bridge: what the preload exposes to the renderer as `window.tincan`. One function per
 * action of the IPC contract (src/shared/ipc.ts) and one subscribe function per event, never a
 * generic send/invoke/on. In a browser the bridge is absent, and the UI hides host-only controls.
 */
export type TincanBridge = {
  /** `process.platform` of the desktop app, e.g. `linux`, `darwin`, `win32`. */
  readonly platform: string;
  /** Versions of the runtime pieces, for the about box and bug reports. */
  readonly versions: {
    readonly electron: string;
    readonly node: string;
    readonly chrome: string;
  };
} & { readonly [A in IpcAction]: (...args: IpcArgs<A>) => Promise<IpcResult<A>> } & {
  /** Subscribe; returns the function that unsubscribes. */
  readonly [E in IpcEvent]: (listener: (payload: IpcPayload<E>) => void) => () => void;
};

/** The name under which the bridge appears on `window`. */
export const BRIDGE_KEY = 'tincan';
