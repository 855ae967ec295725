import type { TincanBridge } from '../../../../shared/bridge.ts';
import { settings as settingsSchema, type Settings, type SettingsPatch } from '../../../../shared/ipc.ts';
import { newDeviceId } from '../net/client-id.ts';
import type { KeyValueStorage } from '../net/outbox.ts';

/** Where settings live: the desktop app's settings file (through the bridge) or the browser's storage. */
export interface SettingsBackend {
  load(): Promise<Settings>;
  save(patch: SettingsPatch): Promise<Settings>;
}

const KEY = 'tincan.settings';

export function defaultSettings(): Settings {
  return {
    nickname: 'Guest',
    deviceId: newDeviceId(),
    port: 4747,
    hostedRooms: [],
    recentHosts: [],
    language: 'system',
    announceInterfaces: [],
    hostTls: true,
    pins: [],
  };
}

/** Settings of the web client, in localStorage, validated like the desktop's; anything invalid falls back to defaults. */
export class LocalSettingsBackend implements SettingsBackend {
  readonly #storage: KeyValueStorage;

  constructor(storage: KeyValueStorage) {
    this.#storage = storage;
  }

  async load(): Promise<Settings> {
    let stored: unknown;
    try {
      stored = JSON.parse(this.#storage.getItem(KEY) ?? 'null');
    } catch {
      stored = null;
    }
    const parsed = settingsSchema.safeParse(stored);
    if (parsed.success) return parsed.data;
    const fresh = { ...defaultSettings(), ...pickValid(stored) };
    this.#storage.setItem(KEY, JSON.stringify(fresh));
    return fresh;
  }

  async save(patch: SettingsPatch): Promise<Settings> {
    const next = settingsSchema.parse({ ...(await this.load()), ...patch });
    this.#storage.setItem(KEY, JSON.stringify(next));
    return next;
  }
}

/** Keep the fields of a partly broken settings object that are still valid (so one bad field does not lose the nickname). */
function pickValid(value: unknown): Partial<Settings> {
  if (typeof value !== 'object' || value === null) return {};
  const out: Partial<Settings> = {};
  for (const [key, field] of Object.entries(settingsSchema.shape)) {
    const result = field.safeParse((value as Record<string, unknown>)[key]);
    if (result.success) (out as Record<string, unknown>)[key] = result.data;
  }
  return out;
}

export class BridgeSettingsBackend implements SettingsBackend {
  readonly #bridge: TincanBridge;

  constructor(bridge: TincanBridge) {
    this.#bridge = bridge;
  }

  load(): Promise<Settings> {
    return this.#bridge.getSettings();
  }

  save(patch: SettingsPatch): Promise<Settings> {
    return this.#bridge.updateSettings(patch);
  }
}

/** The settings as the UI reads them; every change is saved through the backend. */
export class AppSettings {
  value = $state.raw<Settings>(defaultSettings());
  readonly #backend: SettingsBackend;

  constructor(backend: SettingsBackend) {
    this.#backend = backend;
  }

  async load(): Promise<void> {
    this.value = await this.#backend.load();
  }

  /** Show the change at once; if the backend refuses it, put the old value back and rethrow. */
  async update(patch: SettingsPatch): Promise<void> {
    const previous = this.value;
    this.value = { ...previous, ...patch };
    try {
      this.value = await this.#backend.save(patch);
    } catch (error) {
      this.value = previous;
      throw error;
    }
  }
}
