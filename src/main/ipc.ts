import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import type { z } from 'zod';
import {
  IPC_CHANNELS,
  IPC_EVENTS,
  type IpcAction,
  type IpcArgs,
  type IpcEvent,
  type IpcPayload,
  type IpcResult,
} from '../shared/ipc.ts';
import { isOnOrigin } from './renderer-location.ts';

/** What runs behind each channel: one function per action of the IPC contract (src/shared/ipc.ts). */
export type IpcServices = {
  readonly [A in IpcAction]: (...args: IpcArgs<A>) => IpcResult<A> | Promise<IpcResult<A>>;
};

/** Who may call: pages in the app's own windows, on the app's own origins. */
export interface IpcTrust {
  /** The app's windows now (`BrowserWindow.getAllWindows`). */
  windows: () => readonly BrowserWindow[];
  /** Origins whose pages may call, e.g. `app://tincan` (see renderer-location.ts). */
  origins: readonly string[];
}

export interface IpcLogger {
  warn(message: string): void;
  error(message: string): void;
}

type Sender = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

/**
 * Why `event` does not come from the app, or null when it does. The sender must be the main frame
 * (not a sub-frame, not a webview: those have other web contents) of one of the app's windows, and
 * that frame must show a page of the app's origin.
 */
export function senderRefusal(event: Sender, trust: IpcTrust): string | null {
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  if (frame.parent !== null) return 'the sender is a sub-frame';
  const window = trust.windows().find((w) => !w.isDestroyed() && w.webContents.id === event.sender.id);
  if (!window) return 'the sender is not a Tincan window';
  const main = window.webContents.mainFrame;
  if (main.processId !== frame.processId || main.routingId !== frame.routingId)
    return "the sender is not the window's main frame";
  if (!isOnOrigin(frame.url, trust.origins)) return `the sender's page is not on the app's origin`;
  return null;
}

/** `rooms[0].name` from zod's `['rooms', 0, 'name']`. */
function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}${text ? '.' : ''}${String(key)}`),
    '',
  );
}

/** The first problem zod found in a value, as `field: problem`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  return `${pathText(issue.path) || 'value'}: ${issue.message}`;
}

/**
 * The first problem zod found in an argument list, naming the field: `rooms[1].name` when the channel
 * takes one argument, `argument 2 name` when it takes several, `argument 1` for the argument itself.
 */
function describeArgsIssue(error: z.ZodError, arity: number): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid arguments';
  const [index, ...rest] = issue.path;
  const argument = `argument ${Number(index) + 1}`;
  const field = pathText(rest);
  const where = arity === 1 ? field || argument : field ? `${argument} ${field}` : argument;
  return `${where}: ${issue.message}`;
}

/**
 * Validates the arguments of `action` against its schema: the right number of them, each well formed.
 * Returns the parsed arguments (unknown keys dropped) or throws an Error naming the bad field.
 */
export function parseArgs<A extends IpcAction>(action: A, args: unknown[]): IpcArgs<A> {
  const { channel, args: schema } = IPC_CHANNELS[action];
  const arity = schema.def.items.length;
  if (args.length !== arity) {
    throw new Error(`${channel}: expects ${arity} argument${arity === 1 ? '' : 's'}, got ${args.length}`);
  }
  const parsed = schema.safeParse(args);
  if (!parsed.success) throw new Error(`${channel}: invalid ${describeArgsIssue(parsed.error, arity)}`);
  return parsed.data as IpcArgs<A>;
}

/**
 * Registers one `ipcMain.handle` per channel of the contract. Every call is checked in this order:
 * the sender (refused without running when it is not the app), the arguments (refused with the bad
 * field named), then the service runs and its result is checked against the contract too.
 * Returns a function that removes every handler again.
 */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  services: IpcServices,
  trust: IpcTrust,
  logger: IpcLogger = console,
): () => void {
  const actions = Object.keys(IPC_CHANNELS) as IpcAction[];
  for (const action of actions) {
    const { channel, result } = IPC_CHANNELS[action];
    ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      const refusal = senderRefusal(event, trust);
      if (refusal) {
        logger.warn(`refused IPC ${channel}: ${refusal} (${event.senderFrame?.url ?? 'no frame'})`);
        throw new Error(`${channel} refused: ${refusal}`);
      }
      const parsed = parseArgs(action, args);
      const run = services[action] as (...a: unknown[]) => unknown;
      const value = await run(...parsed);
      const checked = result.safeParse(value);
      if (!checked.success) {
        logger.error(`IPC ${channel} produced an invalid result: ${describeIssue(checked.error)}`);
        throw new Error(`${channel}: internal error (invalid result)`);
      }
      return checked.data;
    });
  }
  return () => {
    for (const action of actions) ipcMain.removeHandler(IPC_CHANNELS[action].channel);
  };
}

/**
 * Pushes an event of the contract to the app's windows, and only to those showing an app page.
 * The payload is validated first: an invalid one is a bug here, so it throws rather than sends.
 * Returns how many windows it reached.
 */
export function sendIpcEvent<E extends IpcEvent>(trust: IpcTrust, event: E, payload: IpcPayload<E>): number {
  const { channel, payload: schema } = IPC_EVENTS[event];
  const checked = schema.parse(payload);
  let reached = 0;
  for (const window of trust.windows()) {
    if (window.isDestroyed() || window.webContents.isDestroyed()) continue;
    if (!isOnOrigin(window.webContents.getURL(), trust.origins)) continue;
    window.webContents.send(channel, checked);
    reached++;
  }
  return reached;
}
