/** A certificate fingerprint (64 hex digits) as people compare it: groups of four, `3f9a 01c2 …` (16 groups). */
export function readableFingerprint(fingerprint: string): string {
  return fingerprint.match(/.{1,4}/g)?.join(' ') ?? '';
}
