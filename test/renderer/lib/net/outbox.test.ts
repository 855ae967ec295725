import { describe, expect, it } from 'vitest';
import { Outbox } from '../../../../src/renderer/src/lib/net/outbox.ts';
import { memoryStorage } from '../../helpers/memory-storage.ts';

describe('Outbox', () => {
  it('keeps messages in order per host until acknowledged, across reloads', () => {
    const storage = memoryStorage();
    const a = new Outbox(storage, 'h:1');
    a.add({ id: 'm1', room: 'r', text: 'one', createdAt: 1 });
    a.add({ id: 'm2', room: 'r', text: 'two', createdAt: 2 });
    a.add({ id: 'm3', room: 'other', text: 'three', createdAt: 3 });
    a.setState('m1', 'sending');
    const b = new Outbox(storage, 'h:1');
    expect(b.forRoom('r').map((m) => [m.id, m.state])).toEqual([
      ['m1', 'queued'], // nothing is in flight after a reload
      ['m2', 'queued'],
    ]);
    expect(new Outbox(storage, 'other:1').all()).toEqual([]);
    expect(b.acknowledge('m1')).toBe(true);
    expect(b.acknowledge('m1')).toBe(false);
    b.acknowledge('m2');
    b.acknowledge('m3');
    expect(storage.data.size).toBe(0);
  });

  it('requeues what was sending after a disconnect, keeps failures with their reason', () => {
    const box = new Outbox(memoryStorage(), 'h');
    box.add({ id: 'a', room: 'r', text: 'x', createdAt: 1 });
    box.add({ id: 'b', room: 'r', text: 'y', createdAt: 1 });
    box.setState('a', 'sending');
    box.setState('b', 'failed', 'too long');
    box.requeueSending();
    expect(box.all().map((m) => [m.id, m.state, m.error])).toEqual([
      ['a', 'queued', undefined],
      ['b', 'failed', 'too long'],
    ]);
    box.discard('b');
    expect(box.all()).toHaveLength(1);
  });

  it('survives garbage in storage', () => {
    const storage = memoryStorage();
    storage.setItem('tincan.outbox.h', '{not json');
    expect(new Outbox(storage, 'h').all()).toEqual([]);
    storage.setItem(
      'tincan.outbox.h',
      JSON.stringify([{ id: 1 }, { id: 'ok', room: 'r', text: 't', createdAt: 1, state: 'sending' }]),
    );
    expect(new Outbox(storage, 'h').all().map((m) => m.id)).toEqual(['ok']);
  });
});
