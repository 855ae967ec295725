import { SvelteMap } from 'svelte/reactivity';
import type { TincanBridge } from '../../../shared/bridge.ts';
import { formatHostAddress, type HostAddress } from '../../../shared/host-address.ts';
import { inviteHosts, type Invite } from '../../../shared/invite.ts';
import type { DiscoveredHost, HostStatus } from '../../../shared/ipc.ts';
import type { StoredMessage } from '../../../shared/protocol/index.ts';
import { mentionsMe } from './chat/message-text.ts';
import type { RoomState } from './chat/room-state.svelte.ts';
import { Locale, resolveLocale } from './i18n/locale.svelte.ts';
import { HostClient } from './net/host-client.svelte.ts';
import type { KeyValueStorage } from './net/outbox.ts';
import type { AppSettings } from './settings/app-settings.svelte.ts';

export type View = { kind: 'home' } | { kind: 'room'; host: string; room: string };

export interface JoinedRoom {
  host: HostClient;
  room: RoomState;
}

export interface AppStateOptions {
  settings: AppSettings;
  storage: KeyValueStorage;
  bridge?: TincanBridge | undefined;
  /** Show a desktop notification (bridge, or the browser's Notification API). */
  notify?: (title: string, body: string) => void;
  languages?: readonly string[];
}

const MAX_RECENT_HOSTS = 20;

/** Everything the UI shows, in one place: settings, language, hosts and their rooms, and which view is open. */
export class AppState {
  readonly settings: AppSettings;
  readonly locale = new Locale();
  readonly hosts = new SvelteMap<string, HostClient>();
  readonly bridge: TincanBridge | undefined;
  view = $state<View>({ kind: 'home' });
  hostStatus = $state.raw<HostStatus | null>(null);
  /** Unsent text per `host/room`, so switching rooms keeps what was being written. */
  readonly drafts = new SvelteMap<string, string>();
  /** Hosts heard on the LAN (desktop only: discovery needs the main process). */
  discovered = $state.raw<DiscoveredHost[]>([]);
  /** Whether the window has focus: mentions notify only when it does not. */
  focused = $state(true);
  readonly #storage: KeyValueStorage;
  readonly #notify: (title: string, body: string) => void;
  readonly #languages: readonly string[];

  constructor(options: AppStateOptions) {
    this.settings = options.settings;
    this.bridge = options.bridge;
    this.#storage = options.storage;
    this.#notify = options.notify ?? (() => {});
    this.#languages = options.languages ?? [];
    this.applyLanguage();
  }

  get nickname(): string {
    return this.settings.value.nickname;
  }

  applyLanguage(): void {
    this.locale.code = resolveLocale(this.settings.value.language, this.#languages);
  }

  /** Every joined room across hosts, for the sidebar. */
  get joinedRooms(): JoinedRoom[] {
    const list: JoinedRoom[] = [];
    for (const host of this.hosts.values()) for (const room of host.rooms.values()) list.push({ host, room });
    return list;
  }

  get current(): JoinedRoom | null {
    const view = this.view;
    if (view.kind !== 'room') return null;
    const host = this.hosts.get(view.host);
    const room = host?.rooms.get(view.room);
    return host && room ? { host, room } : null;
  }

  /** The client for a host, connecting it if new. */
  connect(address: HostAddress): HostClient {
    const key = formatHostAddress(address);
    let host = this.hosts.get(key);
    if (!host) {
      host = new HostClient({
        address,
        storage: this.#storage,
        identity: () => ({ deviceId: this.settings.value.deviceId, nick: this.settings.value.nickname }),
        onMessage: (room, message) => this.#onMessage(host!, room, message),
        onWelcome: () => void this.#remember(key),
      });
      this.hosts.set(key, host);
    }
    host.connect();
    return host;
  }

  disconnect(key: string): void {
    const host = this.hosts.get(key);
    if (!host) return;
    host.disconnect();
    this.hosts.delete(key);
    if (this.view.kind === 'room' && this.view.host === key) this.view = { kind: 'home' };
  }

  /** Put a host first in the recent list once it has greeted us (so its name is known). */
  async #remember(address: string): Promise<void> {
    const others = this.settings.value.recentHosts.filter((h) => h.address !== address);
    const label =
      this.hosts.get(address)?.hostName || this.settings.value.recentHosts.find((h) => h.address === address)?.label;
    const recentHosts = [{ address, lastUsed: Date.now(), ...(label ? { label } : {}) }, ...others].slice(
      0,
      MAX_RECENT_HOSTS,
    );
    await this.settings.update({ recentHosts }).catch(() => {});
  }

  async forgetHost(address: string): Promise<void> {
    await this.settings.update({ recentHosts: this.settings.value.recentHosts.filter((h) => h.address !== address) });
  }

  joinRoom(host: HostClient, room: string, password?: string, token?: string): void {
    host.join(room, password, token);
    this.openRoom(host.key, room);
  }

  /**
   * Follow an invite link: connect to the host it names and join its room. In a browser served by
   * that host, the page's own address comes first (it is known to be reachable).
   */
  followInvite(invite: Invite, preferred?: HostAddress): void {
    const address = preferred ?? inviteHosts(invite)[0];
    if (!address) return;
    this.joinRoom(this.connect(address), invite.room, undefined, invite.token);
  }

  openRoom(hostKey: string, room: string): void {
    this.view = { kind: 'room', host: hostKey, room };
    const state = this.hosts.get(hostKey)?.rooms.get(room);
    if (state) state.unread = 0;
  }

  leaveRoom(host: HostClient, room: string): void {
    host.leave(room);
    if (this.view.kind === 'room' && this.view.host === host.key && this.view.room === room)
      this.view = { kind: 'home' };
  }

  async setNickname(nickname: string): Promise<void> {
    await this.settings.update({ nickname });
    for (const host of this.hosts.values()) host.setNick(nickname);
  }

  async setLanguage(language: 'system' | 'en' | 'zh-CN'): Promise<void> {
    await this.settings.update({ language });
    this.applyLanguage();
  }

  #onMessage(host: HostClient, room: RoomState, message: StoredMessage): void {
    const view = this.view;
    const visible = view.kind === 'room' && view.host === host.key && view.room === room.name && this.focused;
    if (!visible) room.unread++;
    if (!this.focused && mentionsMe(message.text, this.nickname)) {
      this.#notify(
        this.locale.t('notify.mention', { nick: message.from.nick, room: room.name }),
        message.text.slice(0, 200),
      );
    }
  }

  /** Total unread across rooms (for the window title). */
  get unreadTotal(): number {
    let total = 0;
    for (const host of this.hosts.values()) for (const room of host.rooms.values()) total += room.unread;
    return total;
  }
}
