import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BINARY_HEADER_BYTES,
  BINARY_TYPES,
  CLOSE_CODES,
  clientFrameSchemas,
  decodeClientFrame,
  decodeHostFrame,
  DEFAULT_LIMITS,
  ERROR_CODES,
  hostFrameSchemas,
  MAX_ANNOUNCEMENT_LENGTH,
  MAX_HAVE_ROOMS,
  MAX_PAGE_SIZE,
  MAX_QUERY_LENGTH,
  MAX_SEARCH_RESULTS,
  MAX_TEXT_LENGTH,
  MESSAGE_KINDS,
  PROTOCOL_VERSION,
} from '../../src/shared/protocol/index.ts';

/**
 * docs/protocol.md is the contract for third-party clients. These checks keep it from drifting away
 * from the schemas: every ```json block must be one valid frame, and every frame type, error code,
 * close code and limit must be documented.
 */
const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

interface Example {
  line: number;
  text: string;
}

/** Every fenced block tagged exactly `json` (not `jsonc`, not `text`), with the line it starts on. */
function jsonBlocks(markdown: string): Example[] {
  const blocks: Example[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```json') continue;
    const start = i + 1;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) body.push(lines[i]!);
    blocks.push({ line: start, text: body.join('\n') });
  }
  return blocks;
}

type Shaped = { shape: Record<string, unknown> };

/**
 * True when the example decodes with the given schema table *and* uses only fields that schema
 * names. Three types (`rooms`, `typing`, `history`) exist in both directions, and the decoder drops
 * unknown fields, so "decodes" alone would count a host `rooms` reply as a client `rooms` request.
 */
function exactlyValid(
  text: string,
  decode: (t: string) => { ok: boolean },
  schemas: Record<string, unknown>,
): string | undefined {
  if (!decode(text).ok) return undefined;
  const value = JSON.parse(text) as Record<string, unknown>;
  const type = value.type as string;
  const known = Object.keys((schemas[type] as Shaped).shape);
  return Object.keys(value).every((key) => known.includes(key)) ? type : undefined;
}

const examples = jsonBlocks(doc).map((block) => ({
  ...block,
  client: exactlyValid(block.text, decodeClientFrame, clientFrameSchemas),
  host: exactlyValid(block.text, decodeHostFrame, hostFrameSchemas),
}));

/** The Markdown table rows (lines starting with `|`) of the document. */
const tableRows = doc.split('\n').filter((line) => line.trimStart().startsWith('|'));

describe('docs/protocol.md', () => {
  it('has JSON examples', () => {
    expect(examples.length).toBeGreaterThan(20);
  });

  it.each(examples.map((e): [number, (typeof examples)[number]] => [e.line, e]))(
    'the ```json block at line %i is one valid client or host frame',
    (_line, example) => {
      let parsed: unknown;
      expect(() => (parsed = JSON.parse(example.text)), 'valid JSON').not.toThrow();
      expect(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed), 'one JSON object').toBe(true);
      const asClient = decodeClientFrame(example.text);
      const asHost = decodeHostFrame(example.text);
      const reasons = [asClient, asHost].map((d) => (d.ok ? 'ok' : d.message)).join(' / ');
      expect(asClient.ok || asHost.ok, `decodes as a frame (client / host: ${reasons})`).toBe(true);
      expect(example.client ?? example.host, 'uses only fields its schema defines').toBeDefined();
    },
  );

  it('shows a JSON example of every client frame type', () => {
    const shown = new Set(examples.map((e) => e.client).filter(Boolean));
    expect([...Object.keys(clientFrameSchemas)].filter((type) => !shown.has(type))).toEqual([]);
  });

  it('shows a JSON example of every host frame type', () => {
    const shown = new Set(examples.map((e) => e.host).filter(Boolean));
    expect([...Object.keys(hostFrameSchemas)].filter((type) => !shown.has(type))).toEqual([]);
  });

  it('gives every frame type its own section', () => {
    for (const type of [...Object.keys(clientFrameSchemas), ...Object.keys(hostFrameSchemas)]) {
      expect(doc, type).toMatch(new RegExp(`^### \\d+\\.\\d+ \`${type}\``, 'm'));
    }
  });

  it('uses the current protocol version in its hello and welcome examples', () => {
    const versions = examples
      .filter((e) => e.client === 'hello' || e.host === 'welcome')
      .map((e) => (JSON.parse(e.text) as { protocol: number }).protocol);
    expect(versions.length).toBeGreaterThanOrEqual(2);
    for (const v of versions) expect(v).toBe(PROTOCOL_VERSION);
    expect(doc).toContain(`# Tincan protocol, version ${PROTOCOL_VERSION}`);
  });

  it('lists every error code in the error table', () => {
    for (const code of Object.keys(ERROR_CODES)) {
      expect(
        tableRows.some((row) => row.startsWith(`| \`${code}\``)),
        code,
      ).toBe(true);
    }
  });

  it('lists every close code in the close-code table', () => {
    for (const [name, code] of Object.entries(CLOSE_CODES)) {
      expect(
        tableRows.some((row) => row.startsWith(`| \`${code}\``)),
        `${name} (${code})`,
      ).toBe(true);
    }
  });

  it('lists every host limit with its default value', () => {
    for (const [name, value] of Object.entries(DEFAULT_LIMITS)) {
      const row = tableRows.find((r) => r.startsWith(`| \`${name}\``));
      expect(row, name).toBeDefined();
      expect(row, name).toContain(`\`${value}\``);
    }
    expect(doc).toContain('--limit NAME=VALUE');
  });

  it('lists every message kind and binary frame type', () => {
    for (const kind of MESSAGE_KINDS)
      expect(
        tableRows.some((r) => r.startsWith(`| \`"${kind}"\``)),
        kind,
      ).toBe(true);
    for (const type of Object.values(BINARY_TYPES)) {
      const hex = `0x${type.toString(16).padStart(2, '0')}`;
      expect(
        tableRows.some((r) => r.startsWith(`| \`${hex}\``)),
        hex,
      ).toBe(true);
    }
  });

  it('lists the fixed protocol constants with their values', () => {
    const constants = {
      MAX_TEXT_LENGTH,
      MAX_PAGE_SIZE,
      MAX_SEARCH_RESULTS,
      MAX_QUERY_LENGTH,
      MAX_HAVE_ROOMS,
      MAX_ANNOUNCEMENT_LENGTH,
      BINARY_HEADER_BYTES,
    };
    for (const [name, value] of Object.entries(constants)) {
      const row = tableRows.find((r) => r.startsWith(`| \`${name}\``));
      expect(row, name).toBeDefined();
      expect(row, name).toContain(`\`${value}\``);
    }
  });
});
