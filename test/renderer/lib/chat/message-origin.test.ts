import { describe, expect, it } from 'vitest';
import { isMine } from '../../../../src/renderer/src/lib/chat/message-origin.ts';

describe('isMine', () => {
  it('is true only for a member post from this device', () => {
    expect(isMine({ from: { nick: 'a', device: 'd1' } }, 'd1')).toBe(true);
    expect(isMine({ from: { nick: 'a', device: 'd1', source: 'member' } }, 'd1')).toBe(true);
    expect(isMine({ from: { nick: 'a', device: 'd2' } }, 'd1')).toBe(false);
  });

  it('is never true for the operator, the host or a feed, whatever device they carry', () => {
    for (const source of ['operator', 'host', 'feed'] as const)
      expect(isMine({ from: { nick: 'op', device: 'd1', source } }, 'd1')).toBe(false);
  });

  it('is false before the host told us our device tag', () => {
    expect(isMine({ from: { nick: 'a', device: '' } }, '')).toBe(false);
  });
});
