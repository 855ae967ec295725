import type { TincanBridge } from '../../../../shared/bridge.ts';
import { desktopSaver } from './desktop-saver.ts';
import type { Saver } from './downloads.svelte.ts';
import { pageSaver } from './page-saver.ts';

/** The desktop app saves through its main process (a dialog, resumable, verified); a browser in the page. */
export function saverFor(bridge: TincanBridge | undefined): Saver {
  return bridge ? desktopSaver(bridge) : pageSaver;
}
