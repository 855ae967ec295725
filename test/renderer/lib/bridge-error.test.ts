import { describe, expect, it } from 'vitest';
import { bridgeErrorMessage } from '../../../src/renderer/src/lib/bridge-error.ts';

describe('bridgeErrorMessage', () => {
  it('keeps only what the main process said', () => {
    const wrapped = new Error(
      "Error invoking remote method 'host:create-room': Error: The host is not running: start hosting first",
    );
    expect(bridgeErrorMessage(wrapped)).toBe('The host is not running: start hosting first');
    expect(bridgeErrorMessage(new Error('plain'))).toBe('plain');
    expect(bridgeErrorMessage('text')).toBe('text');
  });
});
