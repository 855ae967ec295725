import type { EventEmitter } from 'node:events';
import { Bonjour } from 'bonjour-service';

/**
 * One bonjour-service instance (one mDNS socket on UDP 5353) tied to one adapter when `address` is
 * given: multicast is sent from it and the group is joined on it only. The socket binds 0.0.0.0, not
 * the adapter's address: Linux delivers multicast only to sockets bound to the wildcard (or the
 * group), so binding the unicast address would hear nothing.
 */
export function createBonjour(address: string | null, onError: (error: Error) => void): Bonjour {
  const options = address ? { interface: address, bind: '0.0.0.0' } : {};
  // bonjour-service passes these options straight to multicast-dns; its type only names service fields.
  const bonjour = new Bonjour(options as ConstructorParameters<typeof Bonjour>[0], (error: Error) => onError(error));
  // multicast-dns emits 'error' when it cannot bind 5353; unhandled, that would end the process.
  mdnsOf(bonjour)?.on('error', onError);
  return bonjour;
}

/** The multicast-dns instance inside a Bonjour (not part of its typed API). */
function mdnsOf(bonjour: Bonjour): EventEmitter | undefined {
  const server = (bonjour as unknown as { server?: { mdns?: EventEmitter } }).server;
  return server?.mdns;
}

/** Destroy, resolving even if the library never calls back. */
export function destroyBonjour(bonjour: Bonjour, timeoutMs = 1000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    try {
      bonjour.destroy(() => {
        clearTimeout(timer);
        resolve();
      });
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}
