import { contextBridge } from 'electron';
import { BRIDGE_KEY, type TincanBridge } from '../shared/bridge.ts';

// Runs sandboxed: only `electron`'s renderer modules and a few `process` fields are available, and the
// build bundles everything else into this one CommonJS file.

const bridge: TincanBridge = {
  platform: process.platform,
  versions: {
    electron: process.versions.electron,
    node: process.versions.node,
    chrome: process.versions.chrome,
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
