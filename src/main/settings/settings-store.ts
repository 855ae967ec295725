import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_HOST_PORT } from '../../shared/host-address.ts';
import { settings as settingsSchema, settingsPatch, type Settings } from '../../shared/ipc.ts';
import { nickname } from '../../shared/protocol/index.ts';
import { cutUnits } from '../../shared/cut-text.ts';

/** The nickname when the OS user name cannot be made into one. */
export const FALLBACK_NICKNAME = 'Guest';
const NICKNAME_MAX = 32;

export const SETTINGS_FILE = 'settings.json';

export interface SettingsLogger {
  warn(message: string): void;
}

export interface SettingsStoreOptions {
  /** Folder of `settings.json` (Electron's userData in the app); created when missing. */
  dir: string;
  /** The OS user name, for the default nickname. Default: `os.userInfo().username`, '' when unknown. */
  userName?: () => string;
  /** A new device id. Default: `crypto.randomUUID()`. */
  newDeviceId?: () => string;
  /** Current time in ms, for the name a bad file is moved aside to. Default `Date.now`. */
  clock?: () => number;
  logger?: SettingsLogger;
}

// Control characters and bidi overrides: the nickname schema refuses them, so they are dropped.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Makes a nickname of an OS user name: white space squeezed to one space, unprintable characters dropped, cut to
 * 32 characters (never inside a surrogate pair), trimmed. `Guest` when nothing valid is left.
 */
export function nicknameFromUserName(name: string): string {
  const cleaned = name
    .replace(LONE_SURROGATE, '')
    .replace(/\s+/gu, ' ')
    .replace(UNPRINTABLE, '')
    .replace(/ {2,}/g, ' ')
    .trim();
  const cut = cutUnits(cleaned, NICKNAME_MAX).trim();
  return nickname.safeParse(cut).success ? cut : FALLBACK_NICKNAME;
}

function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return ''; // no passwd entry (some containers): the fallback nickname it is
  }
}

/** Settings for a first run. */
export function defaultSettings(userName: string, deviceId: string): Settings {
  return {
    nickname: nicknameFromUserName(userName),
    deviceId,
    port: DEFAULT_HOST_PORT,
    hostedRooms: [],
    recentHosts: [],
    language: 'system',
    announceInterfaces: [],
    // TLS on: the desktop app pins the certificate; browsers keep plain http:// on the same port.
    hostTls: true,
    pins: [],
  };
}

/** The first problem zod found, naming the field. */
function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  return `${issue.path.map(String).join('.') || '(settings)'}: ${issue.message}`;
}

/**
 * The app's settings in one JSON file. Read once at start; every change is validated, then written
 * atomically (temporary file, fsync, rename), so a crash never leaves half a file. A file that cannot
 * be read as valid settings is moved aside (`settings.json.bad-<time>`) and defaults are used: a bad
 * file never stops the app. Plain Node, no Electron.
 */
export class SettingsStore {
  readonly file: string;
  readonly #dir: string;
  #current: Settings;
  #writing: Promise<void> = Promise.resolve();
  readonly #listeners = new Set<(settings: Settings) => void>();

  private constructor(dir: string, current: Settings) {
    this.#dir = dir;
    this.file = join(dir, SETTINGS_FILE);
    this.#current = current;
  }

  /** Loads the settings in `options.dir`, or makes and saves defaults. Never rejects for a bad file. */
  static async open(options: SettingsStoreOptions): Promise<SettingsStore> {
    const { dir, logger = console, clock = Date.now } = options;
    const defaults = defaultSettings((options.userName ?? osUserName)(), (options.newDeviceId ?? randomUUID)());
    await mkdir(dir, { recursive: true });
    const file = join(dir, SETTINGS_FILE);

    let text: string | null = null;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn(`cannot read ${file}: ${String(error)}`);
    }

    let loaded: Settings | null = null;
    if (text !== null) {
      const problem = SettingsStore.#problemWith(text, defaults);
      if (typeof problem === 'string') {
        const aside = `${file}.bad-${new Date(clock()).toISOString().replace(/[:.]/g, '-')}`;
        logger.warn(`${file} is not valid settings (${problem}); moved to ${aside}, using defaults`);
        await rename(file, aside).catch((error: unknown) => logger.warn(`cannot move ${file} aside: ${String(error)}`));
      } else {
        loaded = problem.settings;
      }
    }

    const store = new SettingsStore(dir, loaded ?? defaults);
    if (loaded === null)
      await store.#save().catch((error: unknown) => logger.warn(`cannot save settings: ${String(error)}`));
    return store;
  }

  /**
   * The settings in `text`, or what is wrong with them. Settings missing from the file (written by an
   * older version) take their default; anything present must be valid.
   */
  static #problemWith(text: string, defaults: Settings): string | { settings: Settings } {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return `not JSON: ${(error as Error).message}`;
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'not a JSON object';
    const parsed = settingsSchema.safeParse({ ...defaults, ...json });
    return parsed.success ? { settings: parsed.data } : firstIssue(parsed.error);
  }

  /** The current settings (a copy). */
  get(): Settings {
    return structuredClone(this.#current);
  }

  /**
   * Applies `patch` (validated with the `settingsPatch` schema; the device id cannot change) and saves.
   * Throws a TypeError naming the bad field and changes nothing when the patch is invalid.
   */
  async update(patch: unknown): Promise<Settings> {
    const parsed = settingsPatch.safeParse(patch);
    if (!parsed.success) throw new TypeError(`invalid settings ${firstIssue(parsed.error)}`);
    return this.#commit(settingsSchema.parse({ ...this.#current, ...stripUndefined(parsed.data) }));
  }

  /**
   * Replaces the certificate pins (main only: the renderer's patches cannot hold pins, it asks
   * trustHost). Throws a TypeError and changes nothing when they are invalid.
   */
  async setPins(pins: unknown): Promise<Settings> {
    const parsed = settingsSchema.safeParse({ ...this.#current, pins });
    if (!parsed.success) throw new TypeError(`invalid settings ${firstIssue(parsed.error)}`);
    return this.#commit(parsed.data);
  }

  async #commit(next: Settings): Promise<Settings> {
    const previous = this.#current;
    this.#current = next;
    try {
      await this.#save();
    } catch (error) {
      this.#current = previous; // what is in memory stays what is on disk
      throw error;
    }
    for (const listener of this.#listeners) listener(this.get());
    return this.get();
  }

  /** Calls `listener` after every successful update; returns the function that stops it. */
  onChange(listener: (settings: Settings) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once every pending write is on disk. */
  flush(): Promise<void> {
    return this.#writing;
  }

  /** Writes the current settings; writes run one at a time, in order, so the last update wins. */
  #save(): Promise<void> {
    const text = `${JSON.stringify(this.#current, null, 2)}\n`;
    const write = this.#writing.catch(() => {}).then(() => writeAtomically(this.#dir, this.file, text));
    this.#writing = write;
    return write;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Writes `text` to a temporary file next to `file`, syncs it, then renames it over `file`. */
async function writeAtomically(dir: string, file: string, text: string): Promise<void> {
  const temp = join(dir, `.${SETTINGS_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
