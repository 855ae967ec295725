import type { StoredMessage } from '../../../../shared/protocol/index.ts';

/**
 * True when a stored message is one of ours: posted by a member (not the operator, the host or a
 * feed, which may carry any device tag) from this device.
 */
export function isMine(message: Pick<StoredMessage, 'from'>, myDevice: string): boolean {
  return (message.from.source ?? 'member') === 'member' && myDevice !== '' && message.from.device === myDevice;
}
