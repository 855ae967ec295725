import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  clientFrameSchemas,
  decodeClientFrame,
  decodeHostFrame,
  ERROR_CODES,
  hostFrameSchemas,
  MAX_TEXT_LENGTH,
} from '../../../src/shared/protocol/index.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/protocol/${name}`, import.meta.url), 'utf8'));

describe('client frame schemas', () => {
  const valid: object[] = fixture('client-valid.json');
  it.each(valid.map((f): [string, object] => [JSON.stringify(f).slice(0, 70), f]))('accepts %s', (_, frame) => {
    const decoded = decodeClientFrame(JSON.stringify(frame));
    expect(decoded.ok).toBe(true);
  });

  const invalid: [object, string][] = fixture('client-invalid.json');
  it.each(invalid.map(([f, path]): [string, object, string] => [JSON.stringify(f).slice(0, 70), f, path]))(
    'rejects %s, naming the field',
    (_, frame, path) => {
      const decoded = decodeClientFrame(JSON.stringify(frame));
      expect(decoded.ok).toBe(false);
      if (decoded.ok) return;
      expect(decoded.code).toBe('invalid_frame');
      expect(decoded.message).toContain(`: ${path}: `);
    },
  );

  it('fills defaults and drops unknown fields', () => {
    const decoded = decodeClientFrame(
      JSON.stringify({
        type: 'hello',
        protocol: 1,
        client: { name: 'x' },
        deviceId: 'd3v1ce-0001',
        nick: 'Ann',
        future: true,
      }),
    );
    expect(decoded).toEqual({
      ok: true,
      frame: {
        type: 'hello',
        protocol: 1,
        client: { name: 'x', version: '' },
        deviceId: 'd3v1ce-0001',
        nick: 'Ann',
        have: {},
      },
    });
  });

  it('caps text at MAX_TEXT_LENGTH code units exactly', () => {
    const at = decodeClientFrame(
      JSON.stringify({ type: 'send', room: 'r', id: 'i', text: 'x'.repeat(MAX_TEXT_LENGTH) }),
    );
    const over = decodeClientFrame(
      JSON.stringify({ type: 'send', room: 'r', id: 'i', text: 'x'.repeat(MAX_TEXT_LENGTH + 1) }),
    );
    expect(at.ok).toBe(true);
    expect(over.ok).toBe(false);
  });

  it('caps names: room 64, nick 32', () => {
    const join = (room: string) => decodeClientFrame(JSON.stringify({ type: 'join', room })).ok;
    const nick = (n: string) => decodeClientFrame(JSON.stringify({ type: 'nick', nick: n })).ok;
    expect([join('r'.repeat(64)), join('r'.repeat(65))]).toEqual([true, false]);
    expect([nick('n'.repeat(32)), nick('n'.repeat(33))]).toEqual([true, false]);
  });

  it('tells bad JSON from unknown types, and never throws', () => {
    expect(decodeClientFrame('{"type":')).toMatchObject({ ok: false, code: 'bad_json' });
    expect(decodeClientFrame('{"type":"__proto__"}')).toMatchObject({ ok: false, code: 'unknown_type' });
    expect(decodeClientFrame('{"type":"toString"}')).toMatchObject({ ok: false, code: 'unknown_type' });
    expect(decodeClientFrame('{"type":"welcome"}')).toMatchObject({ ok: false, code: 'unknown_type' });
    expect(decodeClientFrame('{"type":"nope","ref":"abc"}')).toMatchObject({ ok: false, ref: 'abc' });
    expect(decodeClientFrame('null')).toMatchObject({ ok: false, code: 'invalid_frame' });
  });
});

describe('host frame schemas', () => {
  const message = { seq: 1, id: 'm1', from: { nick: 'Ann', device: 'abcd' }, kind: 'text', text: 'hi', ts: 1 };
  const valid = [
    {
      type: 'welcome',
      protocol: 1,
      host: { id: 'h', name: 'box' },
      member: 'm',
      device: 'abcd',
      limits: { maxFrameBytes: 1, ratePerSecond: 1, rateBurst: 1, historyPageSize: 1, heartbeatIntervalMs: 1 },
      rooms: [],
      time: 1,
    },
    { type: 'rooms', rooms: [{ name: 'general', head: 0, members: 0, locked: false }] },
    { type: 'joined', room: 'general', head: 3, members: [{ id: 'm', nick: 'Ann' }] },
    {
      type: 'challenge',
      ref: 'j1',
      room: 'vault',
      mechanism: 'SCRAM-SHA-256',
      serverFirst: 'r=abc123def,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=600000',
    },
    { type: 'left', room: 'general' },
    { type: 'presence', room: 'general', event: 'nick', member: { id: 'm', nick: 'B' }, previousNick: 'A' },
    { type: 'typing', room: 'general', member: 'm', nick: 'Ann', active: true },
    { type: 'ack', room: 'general', id: 'm1', seq: 1, ts: 1, duplicate: false },
    { type: 'message', room: 'general', ...message },
    { type: 'history', room: 'general', messages: [message], more: false },
    { type: 'results', room: 'general', query: 'hi', messages: [message] },
    { type: 'announce', text: 'bye', level: 'warning', ts: 1 },
    { type: 'error', code: 'rate_limited', message: 'slow down', retryAfterMs: 50 },
    { type: 'pong', t: 1, time: 2 },
    {
      type: 'feed',
      room: 'ops',
      feed: {
        name: 'tail',
        source: 'command',
        command: ['tail', '-F', '/var/log/app.log'],
        state: 'running',
        restarts: 0,
        since: 1,
        stdin: 'nobody',
        canWrite: false,
      },
    },
    { type: 'skipped', room: 'ops', feed: 'tail', lines: 10, from: 2, to: 3 },
    { type: 'upload', room: 'general', id: 'u1', file: 'ab'.repeat(16), seq: 4, offset: 0, resumed: false },
    { type: 'file-state', room: 'general', file: 'ab'.repeat(16), state: 'uploading', received: 10, size: 20 },
    {
      type: 'file-status',
      room: 'general',
      files: [{ file: 'ab'.repeat(16), state: 'complete', received: 1, size: 1, sha256: 'c'.repeat(64) }],
    },
  ];

  it('covers every host frame type with a valid example', () => {
    expect(new Set(valid.map((f) => f.type))).toEqual(new Set(Object.keys(hostFrameSchemas)));
    for (const frame of valid) expect(decodeHostFrame(JSON.stringify(frame)), frame.type).toMatchObject({ ok: true });
  });

  it('reads an error code it does not know as internal (forward compatible)', () => {
    expect(decodeHostFrame('{"type":"error","code":"from_the_future","message":"?"}')).toMatchObject({
      ok: true,
      frame: { code: 'internal' },
    });
  });

  it('reads a message kind or announce level it does not know, so newer hosts do not break it', () => {
    expect(decodeHostFrame(JSON.stringify({ type: 'message', room: 'r', ...message, kind: 'file' }))).toMatchObject({
      ok: true,
      frame: { kind: 'file' },
    });
    expect(decodeHostFrame('{"type":"announce","text":"x","level":"critical","ts":1}')).toMatchObject({
      ok: true,
      frame: { level: 'info' },
    });
  });

  it('rejects a message with seq 0 or a missing sender', () => {
    expect(decodeHostFrame(JSON.stringify({ type: 'message', room: 'r', ...message, seq: 0 })).ok).toBe(false);
    expect(decodeHostFrame(JSON.stringify({ type: 'message', room: 'r', ...message, from: undefined })).ok).toBe(false);
  });

  it('documents every error code', () => {
    for (const text of Object.values(ERROR_CODES)) expect(text.length).toBeGreaterThan(10);
    expect(Object.keys(clientFrameSchemas)).toHaveLength(16);
  });
});

describe('lengths and visible characters (issue 11 items 9 and 10)', () => {
  it('counts lengths in UTF-16 units, as docs/protocol.md says', async () => {
    const { roomName, nickname, chatText, MAX_TEXT_LENGTH } = await import('../../../src/shared/protocol/index.ts');
    expect(roomName.safeParse('😀'.repeat(32)).success).toBe(true); // 64 units
    expect(roomName.safeParse('😀'.repeat(32) + 'a').success).toBe(false); // 65 units, 33 code points
    expect(nickname.safeParse('😀'.repeat(16)).success).toBe(true);
    expect(nickname.safeParse('😀'.repeat(17)).success).toBe(false);
    expect(chatText.safeParse('😀'.repeat(MAX_TEXT_LENGTH / 2)).success).toBe(true);
    expect(chatText.safeParse('😀'.repeat(MAX_TEXT_LENGTH / 2) + 'a').success).toBe(false);
  });

  it('refuses C1 controls and bidi overrides in text, keeps newlines, tabs and the bidi marks', async () => {
    const { chatText } = await import('../../../src/shared/protocol/index.ts');
    for (const bad of ['a\u009bb', 'a\u0085b', 'pay \u202eusd', 'x\u2066y\u2069', 'a\u0000']) {
      expect(chatText.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    for (const good of ['line\nnext\tcol', 'שלום \u200f!', 'مرحبا\u061c', 'zero\u200bwidth is fine in text']) {
      expect(chatText.safeParse(good).success, JSON.stringify(good)).toBe(true);
    }
  });

  it('wants names that are visible: no zero-width, filler, bidi or control characters', async () => {
    const { nickname, roomName } = await import('../../../src/shared/protocol/index.ts');
    for (const bad of [
      '\u3164',
      'a\u200bb',
      '\u200d',
      'x\u202ey',
      'bo\u0085',
      '\ufeffann',
      '\u115f\u1160',
      'ann\u2066',
    ]) {
      expect(nickname.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
      expect(roomName.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    for (const good of ['Ann', '李雷', 'José', 'ops team', 'שרה'])
      expect(nickname.safeParse(good).success, good).toBe(true);
  });
});
