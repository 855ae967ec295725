import { describe, expect, it } from 'vitest';
import {
  MAX_REMEMBERED_HOSTS,
  MAX_REMEMBERED_ROOMS,
  REMEMBERED_ROOMS_KEY,
  RememberedRooms,
} from '../../../../src/renderer/src/lib/chat/remembered-rooms.ts';
import { memoryStorage } from '../../helpers/memory-storage.ts';

describe('RememberedRooms', () => {
  it('keeps rooms per host with their tickets, forgets a room left, and the open room, across instances', () => {
    const storage = memoryStorage();
    const rooms = new RememberedRooms(storage);
    rooms.remember('a:1', 'general');
    rooms.remember('a:1', 'vault', 'ticket-1');
    rooms.remember('b:2', 'lobby');
    rooms.remember('a:1', 'vault', 'ticket-2'); // a new ticket replaces the old one, not a second entry
    rooms.setOpen({ host: 'a:1', room: 'vault' });
    const again = new RememberedRooms(storage);
    expect(again.on('a:1')).toEqual([{ room: 'general' }, { room: 'vault', ticket: 'ticket-2' }]);
    expect(again.on('b:2')).toEqual([{ room: 'lobby' }]);
    expect(again.open).toEqual({ host: 'a:1', room: 'vault' });

    again.forget('a:1', 'vault');
    again.forget('b:2', 'lobby');
    const third = new RememberedRooms(storage);
    expect(third.on('a:1')).toEqual([{ room: 'general' }]);
    expect(third.on('b:2')).toEqual([]);
    expect(third.open).toBeNull(); // the open room was left
  });

  it(`keeps at most ${MAX_REMEMBERED_ROOMS} rooms a host and ${MAX_REMEMBERED_HOSTS} hosts, dropping the oldest`, () => {
    const storage = memoryStorage();
    const rooms = new RememberedRooms(storage);
    for (let i = 0; i <= MAX_REMEMBERED_ROOMS; i++) rooms.remember('a:1', `room-${i}`);
    expect(rooms.on('a:1')).toHaveLength(MAX_REMEMBERED_ROOMS);
    expect(rooms.on('a:1')[0]).toEqual({ room: 'room-1' });
    for (let i = 0; i < MAX_REMEMBERED_HOSTS; i++) rooms.remember(`h:${i}`, 'general');
    expect(rooms.on('a:1')).toEqual([]); // the oldest host went
    expect(rooms.on('h:0')).toEqual([{ room: 'general' }]);
    expect(new RememberedRooms(storage).on(`h:${MAX_REMEMBERED_HOSTS - 1}`)).toEqual([{ room: 'general' }]);
  });

  it('starts afresh from storage it cannot trust: not JSON, a bad room name, or a shape of another version', () => {
    for (const bad of ['not json', '{"hosts":{"a:1":[{"room":""}]},"open":null}', '[1,2]', '{"hosts":{}}']) {
      const storage = memoryStorage();
      storage.setItem(REMEMBERED_ROOMS_KEY, bad);
      const rooms = new RememberedRooms(storage);
      expect(rooms.on('a:1')).toEqual([]);
      expect(rooms.open).toBeNull();
    }
  });

  it('still works for the session when storage refuses writes (private mode, full)', () => {
    const storage = memoryStorage();
    storage.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    const rooms = new RememberedRooms(storage);
    rooms.remember('a:1', 'general');
    expect(rooms.on('a:1')).toEqual([{ room: 'general' }]);
  });
});
