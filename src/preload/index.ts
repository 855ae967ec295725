import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_KEY, type TincanBridge } from '../shared/bridge.ts';
import { IPC_CHANNEL_NAMES, IPC_EVENT_NAMES } from '../shared/ipc-channels.ts';

// Runs sandboxed: only `electron`'s renderer modules and a few `process` fields are available, and the
// build bundles everything else into this one CommonJS file. So this imports the channel names only
// (plain strings), not the zod schemas: the main process validates every call.

type Invoker = (...args: unknown[]) => Promise<unknown>;
type Subscriber = (listener: (payload: unknown) => void) => () => void;

/** One function per request channel: it invokes that channel and nothing else. */
function invokers(): Record<string, Invoker> {
  const entries = Object.entries(IPC_CHANNEL_NAMES).map(([action, channel]): [string, Invoker] => [
    action,
    (...args) => ipcRenderer.invoke(channel, ...args),
  ]);
  return Object.fromEntries(entries);
}

/**
 * One subscribe function per event channel. The listener gets the payload only: the IpcRendererEvent
 * (which reaches `ipcRenderer` through `event.sender`) never crosses into the page.
 */
function subscribers(): Record<string, Subscriber> {
  const entries = Object.entries(IPC_EVENT_NAMES).map(([event, channel]): [string, Subscriber] => [
    event,
    (listener) => {
      if (typeof listener !== 'function') throw new TypeError(`${event} expects a function`);
      const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
      ipcRenderer.on(channel, forward);
      return () => {
        ipcRenderer.removeListener(channel, forward);
      };
    },
  ]);
  return Object.fromEntries(entries);
}

const bridge = {
  platform: process.platform,
  versions: {
    electron: process.versions.electron,
    node: process.versions.node,
    chrome: process.versions.chrome,
  },
  ...invokers(),
  ...subscribers(),
} as TincanBridge;

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
