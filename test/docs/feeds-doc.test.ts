import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FEED_LIMITS, INHERITED_ENV } from '../../src/main/feeds/index.ts';
import { USAGE } from '../../src/main/cli/cli-args.ts';
import { CONSOLE_HELP } from '../../src/main/cli/operator-console.ts';
import {
  feedStdinPolicies,
  feedStates,
  feedStreams,
  MAX_FEED_BATCH_LINES,
  MAX_FEED_INPUT_LENGTH,
  MAX_FEED_LINE_LENGTH,
  MAX_FEED_TEXT_LENGTH,
} from '../../src/shared/protocol/index.ts';

/** docs/protocol.md §11.1–11.5 (feeds) against the code: limits, constants, environment, states. */
const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('### 11.1 Feeds'), doc.indexOf('## 12. Error codes'));
const rows = section.split('\n').filter((line) => line.trimStart().startsWith('|'));

describe('docs/protocol.md: feeds', () => {
  it('lists every feed limit with its default', () => {
    for (const [name, value] of Object.entries(DEFAULT_FEED_LIMITS)) {
      const row = rows.find((r) => r.startsWith(`| \`${name}\``));
      expect(row, name).toBeDefined();
      expect(row, name).toContain(`\`${value}\``);
    }
  });

  it('lists every feed constant with its value', () => {
    const constants = { MAX_FEED_LINE_LENGTH, MAX_FEED_BATCH_LINES, MAX_FEED_TEXT_LENGTH, MAX_FEED_INPUT_LENGTH };
    for (const [name, value] of Object.entries(constants)) {
      expect(rows.find((r) => r.startsWith(`| \`${name}\``)) ?? '', name).toContain(`\`${value}\``);
    }
  });

  it('documents the environment a process gets, the states, streams and stdin policies', () => {
    for (const name of [...INHERITED_ENV, 'LC_*', 'TERM', 'TINCAN_FEED', 'TINCAN_ROOM', 'TINCAN_HOST']) {
      expect(section, name).toContain(`\`${name}\``);
    }
    for (const word of [...feedStates, ...feedStreams, ...feedStdinPolicies])
      expect(section, word).toContain(`\`${word}\``);
  });

  it('names the flags and console commands the CLI has', () => {
    for (const flag of ['--feed', '--feed-stdin', '--metrics']) {
      expect(USAGE).toContain(`${flag} `);
      expect(section).toContain(flag);
    }
    for (const command of ['feeds', 'stop FEED', 'start FEED', 'restart FEED', 'stdin FEED WHO', 'metrics ROOM']) {
      expect(CONSOLE_HELP).toContain(command);
      expect(section).toContain(command);
    }
  });
});
