// The state logic against a stand-in for the browser's Notification API; the real API (Chromium,
// its permission granted or denied) is exercised in test/e2e/notifications.e2e.test.ts.
import { describe, expect, it } from 'vitest';
import {
  BrowserNotifications,
  type NotifyWindow,
} from '../../../../src/renderer/src/lib/notify/browser-notifications.svelte.ts';

function browser(answer: NotificationPermission, secure = true) {
  const shown: { title: string; body?: string }[] = [];
  let asked = 0;
  class FakeNotification {
    static permission: NotificationPermission = 'default';
    static async requestPermission(): Promise<NotificationPermission> {
      asked++;
      FakeNotification.permission = answer;
      return answer;
    }
    constructor(title: string, options?: NotificationOptions) {
      shown.push({ title, body: options?.body });
    }
  }
  const win = {
    Notification: FakeNotification as unknown as NotifyWindow['Notification'],
    isSecureContext: secure,
    navigator: {},
  } satisfies NotifyWindow;
  return { win, shown, asked: () => asked };
}

describe('BrowserNotifications', () => {
  it('asks only when told to (a click), then shows mentions once granted', async () => {
    const b = browser('granted');
    const n = new BrowserNotifications(b.win);
    expect(n.state).toBe('default');
    expect(b.asked()).toBe(0);
    expect(n.show('t', 'b')).toBe(false);
    await n.request();
    expect(b.asked()).toBe(1);
    expect(n.state).toBe('granted');
    expect(n.show('Bob mentioned you', 'hi')).toBe(true);
    expect(b.shown).toEqual([{ title: 'Bob mentioned you', body: 'hi' }]);
  });

  it('reports a denial, and shows nothing then', async () => {
    const b = browser('denied');
    const n = new BrowserNotifications(b.win);
    await n.request();
    expect(n.state).toBe('denied');
    expect(n.show('t', 'b')).toBe(false);
    expect(b.shown).toEqual([]);
  });

  it('is unsupported without the API, and insecure on an http:// page of another machine (no prompt there)', async () => {
    expect(new BrowserNotifications({ isSecureContext: true, navigator: {} }).state).toBe('unsupported');
    const b = browser('granted', false);
    const n = new BrowserNotifications(b.win);
    expect(n.state).toBe('insecure');
    await n.request();
    expect(b.asked()).toBe(0);
  });
});
