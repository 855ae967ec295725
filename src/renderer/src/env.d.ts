import type { TincanBridge } from '../../shared/bridge.ts';

declare global {
  interface Window {
    /** The desktop bridge from the preload; absent when the UI runs in a plain browser. */
    readonly tincan?: TincanBridge;
  }
}

export {};
