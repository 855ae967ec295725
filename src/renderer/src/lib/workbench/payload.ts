import { parseBase64, parseHex } from '../net/bytes.ts';

/** How the composer's text becomes a message: sent as text, as checked JSON text, or as bytes. */
export type PayloadMode = 'text' | 'json' | 'hex' | 'base64';

export type Payload =
  { ok: true; data: string | Uint8Array } | { ok: false; problem: 'json' | 'hex' | 'base64'; detail?: string };

/**
 * The message a composer's text stands for. JSON must parse (it is sent as typed, so what the
 * server receives is what was written); hex and base64 must decode to whole bytes.
 */
export function buildPayload(mode: PayloadMode, text: string): Payload {
  switch (mode) {
    case 'text':
      return { ok: true, data: text };
    case 'json':
      try {
        JSON.parse(text);
        return { ok: true, data: text };
      } catch (error) {
        return { ok: false, problem: 'json', detail: error instanceof Error ? error.message : String(error) };
      }
    case 'hex': {
      const bytes = parseHex(text);
      return bytes ? { ok: true, data: bytes } : { ok: false, problem: 'hex' };
    }
    case 'base64': {
      const bytes = parseBase64(text);
      return bytes ? { ok: true, data: bytes } : { ok: false, problem: 'base64' };
    }
  }
}

/** JSON pretty-printed with two spaces, or null when the text is not JSON. */
export function prettyJson(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return null;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return null;
  }
}
