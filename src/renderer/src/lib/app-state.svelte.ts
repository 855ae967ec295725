import { SvelteMap } from 'svelte/reactivity';
import type { TincanBridge } from '../../../shared/bridge.ts';
import { formatHostAddress, parseHostAddress, type HostAddress } from '../../../shared/host-address.ts';
import { inviteHosts, type Invite } from '../../../shared/invite.ts';
import type { CertificateRefused, DiscoveredHost, HostStatus } from '../../../shared/ipc.ts';
import { nickname as nicknameSchema, type StoredMessage } from '../../../shared/protocol/index.ts';
import { mentionsMe } from './chat/message-text.ts';
import { RememberedRooms } from './chat/remembered-rooms.ts';
import type { RoomState } from './chat/room-state.svelte.ts';
import { Locale, resolveLocale } from './i18n/locale.svelte.ts';
import { HostClient } from './net/host-client.svelte.ts';
import { HostTrust, type KnownCertificate } from './net/host-trust.svelte.ts';
import type { KeyValueStorage } from './net/outbox.ts';
import type { AppSettings } from './settings/app-settings.svelte.ts';
import { Workbench } from './workbench/workbench.svelte.ts';
import { Downloads } from './files/downloads.svelte.ts';
import { saverFor } from './files/saver-for.ts';

export type View = { kind: 'home' } | { kind: 'room'; host: string; room: string } | { kind: 'workbench' };

export interface JoinedRoom {
  host: HostClient;
  room: RoomState;
}

/** A join waiting for the person to say what others should call them on that host. */
export interface PendingJoin {
  host: HostClient;
  room: string;
  password?: string | undefined;
  token?: string | undefined;
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
/** Where the nickname chosen on each host is kept (browser storage; the desktop renderer has one too). */
const NICKNAMES_KEY = 'tincan.nicknames';
/** The draft key of the default nickname (drafts of a host's nickname use the host's key). */
export const DEFAULT_NICK_DRAFT = '';

/** Everything the UI shows, in one place: settings, language, hosts and their rooms, and which view is open. */
export class AppState {
  readonly settings: AppSettings;
  readonly locale = new Locale();
  readonly hosts = new SvelteMap<string, HostClient>();
  readonly bridge: TincanBridge | undefined;
  /** Which hosts are joined over pinned wss://, and the trust questions that asks. */
  readonly trust: HostTrust;
  /** Files being saved from any host (through the desktop app's dialog, or the browser). */
  readonly downloads: Downloads;
  view = $state<View>({ kind: 'home' });
  hostStatus = $state.raw<HostStatus | null>(null);
  /** Unsent text per `host/room`, so switching rooms keeps what was being written. */
  readonly drafts = new SvelteMap<string, string>();
  /**
   * Nicknames typed and not saved yet, by host key (DEFAULT_NICK_DRAFT for the default), so a
   * re-render, a reconnect or closing the drawer does not lose them.
   */
  readonly nickDrafts = new SvelteMap<string, string>();
  /** The nickname chosen on each host, by host key: asked for on the first join there. */
  nicknames = $state.raw<Record<string, string>>({});
  /** Hosts heard on the LAN (desktop only: discovery needs the main process). */
  discovered = $state.raw<DiscoveredHost[]>([]);
  /** A join held until a nickname is chosen on its host (the prompt shows meanwhile). */
  pendingJoin = $state.raw<PendingJoin | null>(null);
  /** The rooms-and-settings drawer, on narrow screens. */
  drawerOpen = $state(false);
  /** Whether the window has focus: mentions notify only when it does not. */
  focused = $state(true);
  readonly #storage: KeyValueStorage;
  readonly #rooms: RememberedRooms;
  #workbench: Workbench | null = null;
  readonly #notify: (title: string, body: string) => void;
  readonly #languages: readonly string[];

  constructor(options: AppStateOptions) {
    this.settings = options.settings;
    this.bridge = options.bridge;
    this.trust = new HostTrust(
      options.bridge,
      () => this.settings.value.pins,
      (saved) => (this.settings.value = saved),
    );
    this.downloads = new Downloads(saverFor(options.bridge));
    this.#storage = options.storage;
    this.#rooms = new RememberedRooms(options.storage);
    this.#notify = options.notify ?? (() => {});
    this.#languages = options.languages ?? [];
    this.nicknames = this.#loadNicknames();
    this.applyLanguage();
  }

  #loadNicknames(): Record<string, string> {
    try {
      const stored: unknown = JSON.parse(this.#storage.getItem(NICKNAMES_KEY) ?? '{}');
      if (typeof stored !== 'object' || stored === null) return {};
      const valid: Record<string, string> = {};
      for (const [key, value] of Object.entries(stored))
        if (nicknameSchema.safeParse(value).success) valid[key] = value as string;
      return valid;
    } catch {
      return {};
    }
  }

  /** The nickname we use on a host: the one chosen there, else the default. */
  nicknameFor(hostKey: string): string {
    return this.nicknames[hostKey] ?? this.settings.value.nickname;
  }

  /** True until a nickname was chosen on this host. */
  needsNickname(hostKey: string): boolean {
    return !Object.hasOwn(this.nicknames, hostKey);
  }

  /**
   * Whether the room view asks for a name before one can write on this host: on the first join
   * there, by someone who would otherwise appear as the default "Guest" (an invite link opened in
   * a fresh browser). Not on this computer's own host in the desktop app: its operator names
   * themselves in the settings.
   */
  asksNickname(hostKey: string): boolean {
    return this.needsNickname(hostKey) && this.settings.value.nickname === 'Guest' && !this.#isOwnHost(hostKey);
  }

  #isOwnHost(hostKey: string): boolean {
    const status = this.hostStatus;
    const host = this.hosts.get(hostKey);
    if (!this.bridge || !host || status?.state !== 'running') return false;
    return ['127.0.0.1', 'localhost', '::1'].includes(host.address.hostname) && host.address.port === status.port;
  }

  /** Choose the nickname for one host (kept across restarts) and tell the host if connected. */
  async setHostNickname(hostKey: string, nickname: string): Promise<void> {
    this.nicknames = { ...this.nicknames, [hostKey]: nickname };
    this.#storage.setItem(NICKNAMES_KEY, JSON.stringify(this.nicknames));
    this.nickDrafts.delete(hostKey);
    const host = this.hosts.get(hostKey);
    if (host?.connected) host.setNick(nickname);
    // The first name anyone picks becomes the default the next host suggests.
    if (this.settings.value.nickname === 'Guest') await this.settings.update({ nickname }).catch(() => {});
    const pending = this.pendingJoin;
    if (pending?.host.key === hostKey) {
      this.pendingJoin = null;
      this.joinRoom(pending.host, pending.room, pending.password, pending.token);
    }
  }

  /** The person closed the nickname prompt: the join it held does not happen. */
  cancelPendingJoin(): void {
    this.pendingJoin = null;
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

  /**
   * Join a host the person chose (typed, discovered, invited): its certificate is settled first
   * (host-trust.svelte.ts). Null when the person declined to trust it.
   */
  async join(address: HostAddress, known?: KnownCertificate): Promise<HostClient | null> {
    const existing = this.hosts.get(formatHostAddress(address));
    if (existing) return this.connect(address);
    const secure = await this.trust.secureFor(address, known);
    return secure === null ? null : this.connect(address, secure);
  }

  /** A pinned host presented another certificate: stop its connections (no silent retries) and say so. */
  certificateRefused(refused: CertificateRefused): void {
    const stopped = [...this.hosts.values()].filter(
      (h) => h.address.hostname === refused.hostname.replace(/^\[|\]$/g, '') && h.url.startsWith('wss:'),
    );
    for (const host of stopped) this.disconnect(host.key);
    this.trust.noteRefused(
      refused,
      stopped.map((h) => h.key),
    );
  }

  /** The client for a host, connecting it if new (over wss:// when `secure`; `join` decides that). */
  connect(address: HostAddress, secure = false): HostClient {
    const key = formatHostAddress(address);
    let host = this.hosts.get(key);
    if (!host) {
      host = new HostClient({
        address,
        secure,
        storage: this.#storage,
        identity: () => ({ deviceId: this.settings.value.deviceId, nick: this.nicknameFor(key) }),
        onMessage: (room, message) => this.#onMessage(host!, room, message),
        onWelcome: () => void this.#remember(key),
        onJoined: (room) => this.#rooms.remember(key, room.name, room.ticket),
      });
      this.hosts.set(key, host);
      this.#rejoinRemembered(host);
    }
    host.connect();
    return host;
  }

  /**
   * At start: connect again to every host this app was in rooms on (each then rejoins its rooms),
   * through `join`, so a pinned host is joined over wss:// as before.
   */
  restoreHosts(): void {
    for (const key of this.#rooms.hosts()) {
      const address = parseHostAddress(key);
      if (address && !this.hosts.has(key)) void this.join(address);
    }
  }

  /**
   * Join again the rooms this app was in on `host` before a reload or restart (with their session
   * tickets: no password asked again while a ticket holds), and show again the room that was open.
   */
  #rejoinRemembered(host: HostClient): void {
    for (const { room, ticket } of this.#rooms.on(host.key)) {
      const state = host.join(room);
      // Not connected yet, so nothing was sent: the first join carries the ticket.
      if (ticket !== undefined && state.password === undefined) state.ticket = ticket;
    }
    const open = this.#rooms.open;
    if (open?.host === host.key && this.view.kind === 'home' && host.rooms.has(open.room))
      this.openRoom(host.key, open.room);
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

  /**
   * Join a room and show it. On a host where the person still has no name (they would appear to
   * everyone as "Guest"), the join waits for the nickname prompt: nobody sees a Guest come and go.
   */
  joinRoom(host: HostClient, room: string, password?: string, token?: string): void {
    if (this.asksNickname(host.key) && !host.rooms.has(room)) {
      this.pendingJoin = { host, room, password, token };
      return;
    }
    host.join(room, password, token);
    this.#rooms.remember(host.key, room, host.rooms.get(room)?.ticket);
    this.openRoom(host.key, room);
  }

  /**
   * Follow an invite link: connect to the host it names and join its room. In a browser served by
   * that host, the page's own address comes first (it is known to be reachable).
   */
  async followInvite(invite: Invite, preferred?: HostAddress): Promise<void> {
    const address = preferred ?? inviteHosts(invite)[0];
    if (!address) return;
    const known = invite.fingerprint ? { fingerprint: invite.fingerprint, tls: true } : undefined;
    const host = await this.join(address, known);
    if (host) this.joinRoom(host, invite.room, undefined, invite.token);
  }

  openRoom(hostKey: string, room: string): void {
    this.view = { kind: 'room', host: hostKey, room };
    this.#rooms.setOpen({ host: hostKey, room });
    const state = this.hosts.get(hostKey)?.rooms.get(room);
    if (state) state.unread = 0;
  }

  leaveRoom(host: HostClient, room: string): void {
    host.leave(room);
    this.#rooms.forget(host.key, room);
    if (this.view.kind === 'room' && this.view.host === host.key && this.view.room === room)
      this.view = { kind: 'home' };
  }

  /** Change the default nickname: used on every host where no other was chosen. */
  async setNickname(nickname: string): Promise<void> {
    await this.settings.update({ nickname });
    this.nickDrafts.delete(DEFAULT_NICK_DRAFT);
    for (const host of this.hosts.values()) if (this.needsNickname(host.key) && host.connected) host.setNick(nickname);
  }

  async setLanguage(language: 'system' | 'en' | 'zh-CN'): Promise<void> {
    await this.settings.update({ language });
    this.applyLanguage();
  }

  /** The WebSocket workbench (made on first use). */
  get workbench(): Workbench {
    this.#workbench ??= new Workbench({ storage: this.#storage, defaultUrl: () => this.defaultEchoUrl() });
    return this.#workbench;
  }

  /**
   * The echo endpoint of "the current host": the one that served this page in a browser, this
   * computer's own host when it runs, else the first host joined.
   */
  defaultEchoUrl(): string {
    if (!this.bridge && typeof location !== 'undefined' && /^https?:$/.test(location.protocol) && location.host)
      return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/echo`;
    const status = this.hostStatus;
    if (status?.state === 'running') return `ws://127.0.0.1:${status.port}/echo`;
    const first = this.hosts.values().next().value;
    return `ws://${first ? first.key : '127.0.0.1:4747'}/echo`;
  }

  /** Show the workbench; with a URL, on a new panel connecting there. */
  openWorkbench(url?: string): void {
    this.view = { kind: 'workbench' };
    this.drawerOpen = false;
    if (url !== undefined) this.workbench.add(url, true);
    else this.workbench.ensureOne();
  }

  #onMessage(host: HostClient, room: RoomState, message: StoredMessage): void {
    const view = this.view;
    const visible = view.kind === 'room' && view.host === host.key && view.room === room.name && this.focused;
    if (!visible) room.unread++;
    if (!this.focused && mentionsMe(message.text, this.nicknameFor(host.key))) {
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
