import { describe, expect, it } from 'vitest';
import { issueSessionTicket, verifySessionTicket } from '../../../../src/main/host/auth/session-ticket.ts';
import { decodeClientFrame } from '../../../../src/shared/protocol/index.ts';

const secret = Buffer.alloc(32, 7);
const binding = { hostId: 'h1', room: 'ops', device: '0123456789abcdef', verifier: 'SCRAM-SHA-256$4096:c2FsdA==$a:b' };

/** Flip one character of the MAC part. */
function tamper(ticket: string): string {
  const i = ticket.length - 5;
  return ticket.slice(0, i) + (ticket[i] === 'A' ? 'B' : 'A') + ticket.slice(i + 1);
}

describe('session tickets', () => {
  const ticket = issueSessionTicket(secret, binding, 2_000);

  it('keep their exact format, so tickets clients hold still work after an upgrade', () => {
    const binding = { hostId: 'h1', room: 'ops', device: 'dev', verifier: 'v' };
    expect(issueSessionTicket(Buffer.alloc(32, 7), binding, 5000)).toBe(
      't1.3uw.3T-V7zogFtqyK-Yk9eu1M73sykB1b7TUcOOrBcs8ryg',
    );
  });

  it('look like t1.<expiry>.<mac>, fit `join.ticket`, and verify until they expire', () => {
    expect(ticket).toMatch(/^t1\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    expect(decodeClientFrame(JSON.stringify({ type: 'join', room: 'ops', ticket })).ok).toBe(true);
    expect(verifySessionTicket(secret, binding, ticket, 1_999)).toBe('ok');
    expect(verifySessionTicket(secret, binding, ticket, 2_000)).toBe('expired');
  });

  it.each([
    ['another host', { ...binding, hostId: 'h2' }, ticket],
    ['another room', { ...binding, room: 'ops2' }, ticket],
    ['another device', { ...binding, device: 'fedcba9876543210' }, ticket],
    ['a changed password (another verifier)', { ...binding, verifier: `${binding.verifier}x` }, ticket],
    ['a tampered MAC', binding, tamper(ticket)],
    ['a moved expiry', binding, ticket.replace(/^t1\.[0-9a-z]+/, 't1.zzzzzz')],
    ['a join token’s version', binding, ticket.replace(/^t1/, '1')],
    ['garbage', binding, 'hello'],
  ])('are invalid for %s', (_what, b, t) => {
    expect(verifySessionTicket(secret, b, t, 0)).toBe('invalid');
  });

  it('are invalid under another host secret', () => {
    expect(verifySessionTicket(Buffer.alloc(32, 8), binding, ticket, 0)).toBe('invalid');
  });

  it('refuse an expiry that is not a positive integer', () => {
    expect(() => issueSessionTicket(secret, binding, 0)).toThrow(RangeError);
    expect(() => issueSessionTicket(secret, binding, 1.5)).toThrow(RangeError);
  });
});
