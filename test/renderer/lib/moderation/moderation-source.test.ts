import { afterEach, describe, expect, it } from 'vitest';
import { HostServer } from '../../../../src/main/host/host-server.ts';
import {
  AdminApiError,
  adminApiModerationSource,
} from '../../../../src/renderer/src/lib/moderation/moderation-source.ts';
import { ModerationPoller } from '../../../../src/renderer/src/lib/moderation/moderation-poller.svelte.ts';
import { ageText, bytesText } from '../../../../src/renderer/src/lib/moderation/traffic-text.ts';
import type { ModerationView } from '../../../../src/shared/moderation.ts';
import { until } from '../../helpers/memory-storage.ts';

const SECRET = 'renderer-admin-secret-0123456789';
let server: HostServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the admin API source (the /admin page)', () => {
  it('reads the view and acts with the secret; a wrong secret is an AdminApiError with the status and the reason', async () => {
    server = await new HostServer({ port: 0, bind: '127.0.0.1', adminSecret: SECRET }).listen();
    await server.createRoom('general');
    const origin = `http://127.0.0.1:${server.port}`;
    const source = adminApiModerationSource(origin, SECRET);
    expect(await source.view()).toMatchObject({ connections: [], bans: [], mutes: [], viewer: '127.0.0.1' });
    const { ban } = await source.ban({ range: '10.9.0.0/16', durationMs: 60_000, reason: 'lab' });
    expect(ban).toMatchObject({ range: '10.9.0.0/16', reason: 'lab' });
    await expect(source.unban({ id: ban!.id })).resolves.toMatchObject({ closed: 0 });
    await expect(source.unban({ id: ban!.id })).rejects.toMatchObject({ status: 404 });

    const wrong = adminApiModerationSource(origin, 'not-it');
    const refused = await wrong.view().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AdminApiError);
    expect(refused).toMatchObject({
      status: 401,
      message: expect.stringContaining('admin secret is missing or wrong'),
    });
  });
});

describe('ModerationPoller', () => {
  it('reads again only after the last read answered, and stops when told', async () => {
    let calls = 0;
    let inFlight = 0;
    let most = 0;
    const view: ModerationView = { at: 1, connections: [], bans: [], mutes: [] };
    const slow = {
      view: async () => {
        calls++;
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 30));
        inFlight--;
        return view;
      },
    } as unknown as ConstructorParameters<typeof ModerationPoller>[0];
    const poller = new ModerationPoller(slow, 5);
    poller.start();
    void poller.refresh(); // a refresh while a read is running joins it
    await until(() => calls >= 3, 'three reads');
    poller.stop();
    const stopped = calls;
    await new Promise((r) => setTimeout(r, 80));
    expect(calls).toBeLessThanOrEqual(stopped + 1);
    expect(most).toBe(1);
    expect(poller.view).toEqual(view);
  });

  it('keeps the reason of a failed read, and clears it on the next good one', async () => {
    let fail = true;
    const source = {
      view: async () => {
        if (fail) throw new Error("Error invoking remote method 'host:moderation': Error: The host is not running");
        return { at: 1, connections: [], bans: [], mutes: [] };
      },
    } as unknown as ConstructorParameters<typeof ModerationPoller>[0];
    const poller = new ModerationPoller(source, 5);
    await poller.refresh();
    expect(poller.error).toBe('The host is not running');
    fail = false;
    await poller.refresh();
    expect(poller.error).toBeNull();
  });
});

describe('traffic text', () => {
  it('reads sizes and ages at their unit edges', () => {
    expect(bytesText(1023)).toBe('1023 B');
    expect(bytesText(1024)).toBe('1.0 KiB');
    expect(bytesText(1024 * 1024)).toBe('1.0 MiB');
    expect(bytesText(3 * 1024 ** 3)).toBe('3.0 GiB'); // a host's buffers past 1 GiB read as GiB, not 3072 MiB
    expect(bytesText(1.4)).toBe('1 B');
    expect(ageText(0, 59_999)).toBe('59s');
    expect(ageText(0, 60_000)).toBe('1m');
    expect(ageText(0, 3_600_000)).toBe('1h 0m');
    expect(ageText(0, 86_400_000 + 3_600_000)).toBe('1d 1h');
    expect(ageText(10, 0)).toBe('0s');
  });
});
