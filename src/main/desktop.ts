import { Notification, shell, type BrowserWindow } from 'electron';
import { isExternalWebUrl } from './window.ts';

/** Notifications shown and not yet clicked or closed. Electron drops a notification's handlers once it is garbage-collected. */
const shown = new Set<Notification>();

/** Brings `window` to the front, restoring it first when minimized. */
export function focusWindow(window: BrowserWindow): void {
  if (window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

/**
 * Shows a system notification, but only when none of `windows` has the focus: someone looking at the
 * app does not need to be told. Clicking it brings the first window to the front. Returns whether
 * one was shown.
 */
export function notify(windows: readonly BrowserWindow[], message: { title: string; body: string }): boolean {
  const open = windows.filter((w) => !w.isDestroyed());
  if (open.some((w) => w.isFocused())) return false;
  if (!Notification.isSupported()) return false;
  const notification = new Notification({ title: message.title, body: message.body });
  shown.add(notification);
  notification.on('click', () => {
    shown.delete(notification);
    const [first] = open;
    if (first) focusWindow(first);
  });
  notification.on('close', () => shown.delete(notification));
  notification.show();
  return true;
}

/** Opens `url` in the user's browser. Only http(s) URLs are handed to the operating system; others throw. */
export async function openExternal(url: string): Promise<void> {
  if (!isExternalWebUrl(url)) throw new Error('Only http and https links can be opened');
  await shell.openExternal(url);
}
