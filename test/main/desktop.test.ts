import type { BrowserWindow as ElectronWindow } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, Notification, resetElectronFake, shell } from '../fakes/electron.ts';
import { notify, openExternal } from '../../src/main/desktop.ts';

vi.mock('electron', () => import('../fakes/electron.ts'));

const message = { title: 'general', body: 'ann: lunch?' };
const asWindows = (...windows: BrowserWindow[]) => windows as unknown as ElectronWindow[];

beforeEach(() => {
  resetElectronFake();
});

describe('notify', () => {
  it('stays quiet while an app window has the focus', () => {
    const a = new BrowserWindow();
    const b = new BrowserWindow();
    b.focused = true;
    expect(notify(asWindows(a, b), message)).toBe(false);
    expect(Notification.instances).toHaveLength(0);
  });

  it('shows a notification when no app window has the focus', () => {
    const window = new BrowserWindow();
    expect(notify(asWindows(window), message)).toBe(true);
    const [shown] = Notification.instances;
    expect(shown?.options).toEqual(message);
    expect(shown?.show).toHaveBeenCalledTimes(1);
  });

  it('brings the window back when the notification is clicked', () => {
    const window = new BrowserWindow();
    window.minimized = true;
    notify(asWindows(window), message);
    Notification.instances[0]!.emit('click');
    expect(window.restore).toHaveBeenCalledTimes(1);
    expect(window.show).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalledTimes(1);
  });

  it('ignores destroyed windows, and shows nothing where notifications are unsupported', () => {
    const gone = new BrowserWindow();
    gone.focused = true;
    gone.webContents.destroyed = true;
    expect(notify(asWindows(gone), message)).toBe(true);
    Notification.supported = false;
    expect(notify(asWindows(), message)).toBe(false);
    expect(Notification.instances).toHaveLength(1);
  });
});

describe('openExternal', () => {
  it('hands http(s) URLs to the system browser', async () => {
    await openExternal('https://example.com/a');
    await openExternal('http://10.0.0.2:4747/');
    expect(shell.openExternal.mock.calls.map(([url]) => url)).toEqual([
      'https://example.com/a',
      'http://10.0.0.2:4747/',
    ]);
  });

  it('refuses anything else', async () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://nas/share', 'not a url']) {
      await expect(openExternal(url)).rejects.toThrow('Only http and https links can be opened');
    }
    expect(shell.openExternal).not.toHaveBeenCalled();
  });
});
