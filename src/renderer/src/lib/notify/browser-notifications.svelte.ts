import { getContext } from 'svelte';

/**
 * What a browser guest can be told about mention notifications:
 * - `default`: not asked yet (the page never asks by itself: browsers want a click, and a prompt at
 *   load is refused by most people and penalised by Chromium's quiet-permission UI);
 * - `granted` / `denied`: the browser's answer (a denial is only undone in the browser's site settings);
 * - `insecure`: an http:// page from another machine is not a secure context, where browsers offer
 *   no notifications at all;
 * - `unsupported`: the browser has no Notification API.
 */
export type NotifyState = 'default' | 'granted' | 'denied' | 'insecure' | 'unsupported';

/** The part of `window` this needs (a test passes its own). */
export interface NotifyWindow {
  Notification?: {
    readonly permission: NotificationPermission;
    requestPermission(): Promise<NotificationPermission>;
    new (title: string, options?: NotificationOptions): Notification;
  };
  isSecureContext: boolean;
  navigator: { permissions?: Pick<Permissions, 'query'> };
}

/** Mention notifications in a browser (the desktop app has its own, through the bridge). */
export class BrowserNotifications {
  state = $state<NotifyState>('unsupported');
  readonly #window: NotifyWindow;

  constructor(window: NotifyWindow) {
    this.#window = window;
    this.#read();
    // Allowed or blocked later in the site settings: follow it without a reload.
    void window.navigator.permissions
      ?.query({ name: 'notifications' })
      .then((status) => status.addEventListener('change', () => this.#read()))
      .catch(() => {});
  }

  #read(): void {
    const api = this.#window.Notification;
    if (!api) this.state = 'unsupported';
    else if (!this.#window.isSecureContext) this.state = 'insecure';
    else this.state = api.permission;
  }

  /** Ask the browser; call it from a click (a user gesture), never on load. */
  async request(): Promise<void> {
    const api = this.#window.Notification;
    if (!api || this.state === 'insecure' || this.state === 'unsupported') return;
    try {
      await api.requestPermission();
    } catch {
      // Older engines take a callback instead; the state read below says what happened.
    }
    this.#read();
  }

  /** Show one notification, if the browser lets us. True when one was made. */
  show(title: string, body: string): boolean {
    this.#read();
    if (this.state !== 'granted') return false;
    new this.#window.Notification!(title, { body });
    return true;
  }
}

const KEY = Symbol('browser-notifications');

/** The context `main.ts` gives the app in a browser (absent on the desktop). */
export function notificationsContext(notifications: BrowserNotifications): Map<symbol, BrowserNotifications> {
  // Read once by mount(), never changed: no reactivity wanted.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  return new Map([[KEY, notifications]]);
}

export function getNotificationsContext(): BrowserNotifications | undefined {
  return getContext<BrowserNotifications | undefined>(KEY);
}
