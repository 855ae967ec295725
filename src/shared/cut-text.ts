// Cutting text to a limit without breaking a character in two: for close reasons and TXT records
// (limits in UTF-8 bytes), and for fields whose limit is in UTF-16 units (names, settings).

const encoder = new TextEncoder();

/**
 * `text` cut to at most `maxBytes` bytes of UTF-8, never inside a code point. A lone surrogate
 * counts as the three bytes of U+FFFD it becomes when encoded.
 */
export function cutUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text; // no UTF-16 unit takes more than 3 bytes
  // encodeInto stops before a code point that would not fit whole; `read` is in UTF-16 units.
  const { read } = encoder.encodeInto(text, new Uint8Array(Math.max(0, maxBytes)));
  return text.slice(0, read);
}

/** `text` cut to at most `maxUnits` UTF-16 units, never between the two halves of a surrogate pair. */
export function cutUnits(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  if (maxUnits <= 0) return '';
  const splitsPair = isHigh(text.charCodeAt(maxUnits - 1)) && isLow(text.charCodeAt(maxUnits));
  return text.slice(0, splitsPair ? maxUnits - 1 : maxUnits);
}

const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;
