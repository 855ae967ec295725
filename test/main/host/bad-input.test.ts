import { afterEach, describe, expect, it } from 'vitest';
import { startHost } from '../../helpers/host.ts';

type Host = Awaited<ReturnType<typeof startHost>>;
let h: Host;
afterEach(async () => h?.stop());

describe('HostServer: bad input gets a clear error and nobody else notices', () => {
  it('answers malformed JSON, unknown types and wrong fields with stable codes', async () => {
    h = await startHost();
    const bad = await h.joined('general', 'bad');
    const good = await h.joined('general', 'good');
    const cases: [string, string, RegExp][] = [
      ['{"type":"send",', 'bad_json', /not valid JSON/],
      ['[1,2,3]', 'invalid_frame', /JSON object/],
      ['"hello"', 'invalid_frame', /JSON object/],
      ['{"type":"explode","ref":"r9"}', 'unknown_type', /"explode"/],
      ['{"no":"type"}', 'unknown_type', /missing/],
      ['{"type":"send","room":"general","id":"m1","text":42}', 'invalid_frame', /text/],
      ['{"type":"send","room":"general","id":"has space","text":"x"}', 'invalid_frame', /id/],
      ['{"type":"send","room":"general","id":"m1","text":"   "}', 'invalid_frame', /blank/],
      ['{"type":"send","room":"general","id":"m1","text":"bell\\u0007"}', 'invalid_frame', /control/],
      ['{"type":"join","room":" padded"}', 'invalid_frame', /spaces/],
      ['{"type":"nick","nick":"\\u202eevil"}', 'invalid_frame', /control/],
      ['{"type":"history","room":"general","limit":100000}', 'invalid_frame', /limit/],
      ['{"type":"typing","room":"general","active":"yes"}', 'invalid_frame', /active/],
      ['{"type":"send","room":"general","id":"m1","text":"half \\ud800 pair"}', 'invalid_frame', /surrogate/],
      ['{"type":"join","room":"","ref":""}', 'invalid_frame', /at least 1 character/],
    ];
    for (const [raw, code, message] of cases) {
      bad.sendRaw(raw);
      const error = await bad.next('error');
      expect(error.code, raw).toBe(code);
      expect(error.message, raw).toMatch(message);
    }
    expect(bad.all('error').find((e) => e.message.includes('explode'))?.ref).toBe('r9');
    // The room carries on.
    good.send({ type: 'send', room: 'general', id: 'ok', text: 'still here' });
    expect(await bad.next('message')).toMatchObject({ text: 'still here' });
    expect(good.all('error')).toEqual([]);
  });

  it('answers a binary frame shorter than its header with bad_binary, without closing', async () => {
    h = await startHost();
    const c = await h.client();
    c.sendRaw(Buffer.from([1, 2, 3]), true);
    expect(await c.next('error')).toMatchObject({ code: 'bad_binary' });
    c.send({ type: 'ping', t: 1 });
    await c.next('pong');
  });

  it('closes with 1007 on invalid UTF-8, and the others stay', async () => {
    h = await startHost();
    const bad = await h.joined('general', 'bad');
    const good = await h.joined('general', 'good');
    bad.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await bad.closed).code).toBe(1007);
    expect(await good.next('presence')).toMatchObject({ event: 'leave', member: { nick: 'bad' } });
  });

  it('accepts a frame of exactly maxFrameBytes and closes with 1009 one byte over', async () => {
    h = await startHost({ limits: { maxFrameBytes: 1024 } });
    const c = await h.client();
    const pad = (n: number) => JSON.stringify({ type: 'ping', t: 1, pad: 'x'.repeat(n) });
    const base = pad(0).length;
    c.sendRaw(pad(1024 - base));
    expect(pad(1024 - base)).toHaveLength(1024);
    await c.next('pong');
    c.sendRaw(pad(1025 - base));
    expect((await c.closed).code).toBe(1009);
  });

  it('survives a storm of garbage from many connections', async () => {
    h = await startHost({ limits: { ratePerSecond: 1e6, rateBurst: 1e6 } });
    const good = await h.joined('general', 'good');
    const attackers = await Promise.all([1, 2, 3].map((i) => h.client(`x${i}`)));
    const junk = ['{', 'null', '{"type":1}', '{"type":"join","room":1}', '\u0000', '{"type":"send"}', 'x'.repeat(5000)];
    for (let round = 0; round < 200; round++) for (const a of attackers) a.sendRaw(junk[round % junk.length]!);
    good.send({ type: 'send', room: 'general', id: 'after-storm', text: 'ok' });
    expect(await good.next('ack')).toMatchObject({ seq: 1 });
    await attackers[0]!.next('error', () => attackers[0]!.all('error').length >= 200, 10_000);
  });
});
