/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { IPC_CHANNELS, IPC_EVENTS, type IpcAction, type IpcEvent } from '../../src/shared/ipc.ts';

/** Serve the built renderer the way app://tincan would, from a plain loopback server. */
export function serveRenderer(root: string): Promise<Server> {
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.png': 'image/png',
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const file = join(root, path === '/' ? 'index.html' : path.replace(/\.\./g, ''));
    try {
      res
        .writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' })
        .end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** What runs behind the page's bridge: some of the IPC services (a call to another one fails, loudly). */
export type BridgeServices = { [A in IpcAction]?: (...args: never[]) => unknown };

/**
 * A page of the renderer with a desktop bridge whose calls go to `services`, each validated against
 * the IPC contract (arguments and result) as src/main/ipc.ts does. `emit` pushes an event to it.
 */
export async function openDesktopPage(
  browser: Browser,
  url: string,
  services: BridgeServices,
  viewport = { width: 1100, height: 760 },
): Promise<{ page: Page; emit: (event: IpcEvent, payload: unknown) => Promise<void> }> {
  const page = await browser.newPage({ viewport, locale: 'en-US' });
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.exposeFunction('__tincanInvoke', async (action: IpcAction, args: unknown[]) => {
    const spec = IPC_CHANNELS[action];
    const run = services[action] as ((...a: unknown[]) => unknown) | undefined;
    if (!run) throw new Error(`${action} is not part of this test`);
    return spec.result.parse(await run(...(spec.args.parse(args) as unknown[])));
  });
  await page.addInitScript(
    ({ actions, events }) => {
      const listeners = new Map<string, Set<(payload: unknown) => void>>();
      const invoke = (globalThis as unknown as { __tincanInvoke: (a: string, args: unknown[]) => Promise<unknown> })
        .__tincanInvoke;
      const bridge: Record<string, unknown> = {
        platform: 'linux',
        versions: { electron: '45', node: '24', chrome: '140' },
      };
      for (const action of actions) bridge[action] = (...args: unknown[]) => invoke(action, args);
      for (const event of events) {
        bridge[event] = (listener: (payload: unknown) => void) => {
          const set = listeners.get(event) ?? new Set();
          listeners.set(event, set.add(listener));
          return () => set.delete(listener);
        };
      }
      Object.assign(globalThis, {
        tincan: Object.freeze(bridge),
        __tincanEmit: (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload)),
      });
    },
    { actions: Object.keys(IPC_CHANNELS), events: Object.keys(IPC_EVENTS) },
  );
  await page.goto(url);
  const emit = async (event: IpcEvent, payload: unknown) => {
    await page.evaluate(
      ([e, p]) => (globalThis as unknown as { __tincanEmit: (e: string, p: unknown) => void }).__tincanEmit(e, p),
      [event, IPC_EVENTS[event].payload.parse(payload)] as const,
    );
  };
  return { page, emit };
}
