// A data folder holding one room ("bench") of many chat messages, for the search scenario (G).
// Built once per size and schema version, in the temp folder, and reused by later runs.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../../src/main/store/migrations.ts';
import { MessageStore, openDatabase } from '../../src/main/store/index.ts';

/** 24 syllables make some 14,000 distinct two- and three-syllable words: prefixes match many terms. */
const SYLLABLES = 'ba ko ri tu ne sa mi lo de va pu ga zi te ho ru fa ki no se ly da pe mo'.split(' ');

/** A deterministic pseudo-random stream (mulberry32), so every run searches the same room. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentence(next: () => number): string {
  const words = 5 + Math.floor(next() * 10);
  const out: string[] = [];
  for (let w = 0; w < words; w++) {
    const parts = 2 + Math.floor(next() * 2);
    let word = '';
    // Zipf-like: low syllable indexes are much more common, as in real text.
    for (let p = 0; p < parts; p++) word += SYLLABLES[Math.floor(SYLLABLES.length * next() ** 2)];
    out.push(word);
  }
  return out.join(' ');
}

/** The folder (created on first use) whose database has `messages` messages in the room `bench`. */
export function searchRoomData(messages: number, log: (line: string) => void): string {
  const dir = join(tmpdir(), `tincan-bench-search-${messages}-v${MIGRATIONS.length}`);
  if (existsSync(join(dir, 'ready'))) return dir;
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  log(`  building a room of ${messages.toLocaleString('en')} messages for search (once; kept in ${dir})`);
  const store = new MessageStore(openDatabase({ path: join(building, 'tincan.db'), durability: 'normal' }));
  const room = store.ensureRoom('bench', 1).id;
  const next = random(42);
  const batch = 10_000;
  for (let start = 0; start < messages; start += batch) {
    const rows = Array.from({ length: Math.min(batch, messages - start) }, (_, i) => ({
      roomId: room,
      clientId: `m${start + i}`,
      device: 'benchdevice00000',
      nick: `n${(start + i) % 50}`,
      source: 'member' as const,
      kind: 'text',
      text: sentence(next),
      body: null,
      ts: 1_700_000_000_000 + start + i,
    }));
    store.appendBatch(rows);
  }
  store.close();
  mkdirSync(join(building, 'ready'));
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  return dir;
}

/** Queries a person might type into such a room: one to three letters, whole words, two words. */
export function searchQueries(): string[] {
  const next = random(7);
  const words = Array.from({ length: 40 }, () => sentence(next).split(' ')[0]!);
  return [
    ...'bkrtnsmldvpgz'.split(''),
    ...SYLLABLES.slice(0, 12),
    ...words.slice(0, 12).map((w) => w.slice(0, 3)),
    ...words.slice(12, 24),
    ...words.slice(24, 36).map((w, i) => `${w} ${words[i]!.slice(0, 2)}`),
  ];
}
