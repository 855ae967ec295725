import { formatSize } from '../i18n/bytes.ts';
import { errorKey, type Locale } from '../i18n/locale.svelte.ts';
import type { Upload } from './upload.svelte.ts';

type T = Locale['t'];

/** Why a transfer failed, in the UI's words: a file-state failure reason or a protocol error code. */
export function failureWords(t: T, reason: string | null | undefined): string {
  if (reason === 'hash_mismatch' || reason === 'stalled' || reason === 'lost') return t(`files.failure.${reason}`);
  return t(errorKey(reason ?? 'internal'));
}

/** A percentage for people: 0–100, never 100 before the end. */
export function percentOf(done: number, total: number): number {
  if (total <= 0) return 100;
  const percent = Math.floor((done / total) * 100);
  return done < total ? Math.min(99, percent) : 100;
}

/** "42% · 3.1 MiB of 7.4 MiB". */
export function progressWords(t: T, done: number, total: number): string {
  return t('files.progress', {
    percent: percentOf(done, total),
    done: formatSize(t, done),
    total: formatSize(t, total),
  });
}

/**
 * About how long a transfer still takes at `rate` bytes/s: "40 s left", "12 min left", "2 h 5 min
 * left"; '' when it cannot be said (no rate, or nothing left).
 */
export function timeLeftWords(t: T, done: number, total: number, rate: number): string {
  if (!(rate > 0) || done >= total) return '';
  const seconds = Math.ceil((total - done) / rate);
  if (seconds < 60) return t('files.left.seconds', { n: seconds });
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t('files.left.minutes', { n: minutes });
  return t('files.left.hours', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

/** What our upload is doing now, in one line. */
export function uploadWords(t: T, upload: Upload): string {
  switch (upload.phase) {
    case 'offering':
      return t('files.phase.offering');
    case 'hashing':
      return t('files.phase.hashing', { percent: percentOf(upload.hashed, upload.size) });
    case 'sending':
      return t('files.phase.sending');
    case 'verifying':
      return t('files.phase.verifying');
    case 'waiting':
      // Started, then the connection went: the host has part of it and is not there to take the rest.
      return upload.fileId !== null ? t('files.phase.hostAway') : t('files.phase.waiting');
    case 'queued':
      return t('files.phase.queued');
    case 'paused':
      return t('files.phase.paused', { reason: failureWords(t, upload.error) });
    case 'complete':
      return t('files.state.complete');
    case 'failed':
      return t('files.state.failed', { reason: failureWords(t, upload.error) });
    case 'cancelled':
      return t('files.state.cancelled');
  }
}
