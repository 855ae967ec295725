import { MAX_QUERY_WORDS } from '../../shared/protocol/index.ts';

/**
 * Search in one room, at a bounded cost. The full-text index carries each message's room as a
 * column, so a query only ever walks its own room's entries (no work, and no timing, depends on
 * other rooms). The index gives the newest matches, at most `candidates` of them, in rowid order,
 * which it can stop early; those are ranked here, in JavaScript. bm25 is not used: it counts the
 * room column's matches across the whole room, which cost 50+ ms on a room of a million messages.
 */

/** Words of a query as the index sees them: letters, digits and `_`, lower-cased, at most MAX_QUERY_WORDS. */
export function searchWords(input: string): string[] {
  return input
    .replace(/[^\p{L}\p{N}_]+/gu, ' ')
    .split(' ')
    .filter((w) => w.length > 0)
    .slice(0, MAX_QUERY_WORDS);
}

/**
 * The FTS5 query for `words` in one room: every word must appear in the text, the last one as a
 * prefix (so results follow typing). Words hold only letters, digits and `_`, so quoting each one
 * keeps FTS operators (OR, NEAR) and quotes in the input as text. Empty when there are no words.
 */
export function toFtsQuery(words: readonly string[], roomId: number): string {
  if (words.length === 0) return '';
  const terms = words.map((w, i) => `text : "${w}"${i === words.length - 1 ? '*' : ''}`);
  return [`room : "${roomToken(roomId)}"`, ...terms].join(' AND ');
}

/** The token a room's messages carry in the index's `room` column. */
export function roomToken(roomId: number): string {
  return `r${roomId}`;
}

/**
 * Order candidates best first: a whole-word match of a query word scores 2, a prefix match of the
 * last word 1, divided by the message's length in words (short, focused messages first); ties keep
 * the newest first. Candidates come newest first.
 */
export function rankCandidates<T extends { text: string }>(candidates: readonly T[], words: readonly string[]): T[] {
  const wanted = words.map((w) => w.toLocaleLowerCase());
  const last = wanted.length - 1;
  const scored = candidates.map((candidate, order) => {
    const tokens = searchWords(candidate.text.toLocaleLowerCase());
    let score = 0;
    for (const token of tokens) {
      for (let i = 0; i < wanted.length; i++) {
        if (token === wanted[i]) score += 2;
        else if (i === last && token.startsWith(wanted[i]!)) score += 1;
      }
    }
    return { candidate, order, score: score / Math.max(1, Math.log2(1 + tokens.length)) };
  });
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  return scored.map((s) => s.candidate);
}
