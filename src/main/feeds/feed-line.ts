import { MAX_FEED_LINE_LENGTH } from '../../shared/protocol/index.ts';

/**
 * What a process prints becomes a feed line here. Output is untrusted bytes: a line keeps its text
 * and its SGR colour codes (`ESC [ … m`, which clients turn into styled spans, never markup) and
 * nothing else that could act on a terminal or a page: other escape sequences (cursor moves, window
 * titles, OSC 8 links, DCS) are dropped, and other control characters are shown as their visible
 * Control Pictures (U+2400…), so garbage is seen as garbage. Invalid UTF-8 arrives here as U+FFFD.
 */

// eslint-disable-next-line no-control-regex -- escape sequences are the point
const SGR = /\u001b\[[0-9;:]*m/y;
// CSI: ESC [ params intermediates final; OSC/DCS/PM/APC/SOS: ESC ] … (BEL | ESC \); any other ESC x.
// eslint-disable-next-line no-control-regex -- escape sequences are the point
const OTHER_ESCAPE = /\u001b(?:\[[0-?]*[ -/]*[@-~]?|[\]P^_X][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[ -/]*[0-~]?)/y;
// C0 but tab and ESC, DEL, and C1 (which some terminals read as escape sequences), plus bidi overrides.
// eslint-disable-next-line no-control-regex -- control characters are the point
const CONTROL = /[\u0000-\u0008\u000a-\u001a\u001c-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;
// eslint-disable-next-line no-control-regex -- escape sequences are the point
const SGR_ALL = /\u001b\[[0-9;:]*m/g;

const CUT = '…';

function picture(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return '\ufffd'; // C1 controls and bidi overrides have no picture
}

/**
 * One line as a feed may carry it: only SGR codes and tabs below U+0020, at most `max` UTF-16 units
 * (cut ones end in `…`, never inside a surrogate pair or an SGR code).
 */
export function cleanLine(raw: string, max = MAX_FEED_LINE_LENGTH): string {
  let out = '';
  let start = 0;
  let i = raw.indexOf('\u001b');
  if (i < 0) out = raw.replace(CONTROL, picture);
  else {
    while (i >= 0) {
      out += raw.slice(start, i).replace(CONTROL, picture);
      SGR.lastIndex = i;
      const sgr = SGR.exec(raw);
      if (sgr) {
        out += sgr[0];
        start = i + sgr[0].length;
      } else {
        OTHER_ESCAPE.lastIndex = i;
        const other = OTHER_ESCAPE.exec(raw);
        start = i + (other ? other[0].length : 1);
      }
      i = raw.indexOf('\u001b', start);
    }
    out += raw.slice(start).replace(CONTROL, picture);
  }
  return out.length <= max ? out : cut(out, max);
}

function cut(line: string, max: number): string {
  let end = max - CUT.length;
  const code = line.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // do not split a surrogate pair
  const escape = line.lastIndexOf('\u001b', end - 1);
  if (escape >= 0 && line.indexOf('m', escape) >= end) end = escape; // nor an SGR code
  return line.slice(0, end) + CUT;
}

/** The line without its colour codes: what the `text` fallback and search see. */
export function plainLine(line: string): string {
  return line.includes('\u001b') ? line.replace(SGR_ALL, '') : line;
}

/**
 * Splits a byte stream into lines. A line ends at `\n` (a `\r` before it is dropped); a `\r` alone
 * (progress bars) keeps only what follows it. A line longer than `maxBytes` is emitted cut at that
 * length and the rest of it, up to its newline, is dropped, so a process that never prints a newline
 * holds at most `maxBytes` in the host.
 */
export class LineSplitter {
  readonly #maxBytes: number;
  readonly #decoder = new TextDecoder('utf-8', { fatal: false });
  #partial: Buffer[] = [];
  #partialBytes = 0;
  #discarding = false;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Feed a chunk; `line` gets every complete line in it, decoded (invalid UTF-8 as U+FFFD). */
  push(chunk: Buffer, line: (text: string, cut: boolean) => void): void {
    let start = 0;
    let nl = chunk.indexOf(10);
    while (nl >= 0) {
      if (this.#discarding) this.#discarding = false;
      else this.#emit(chunk.subarray(start, nl), line);
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length && !this.#discarding) {
      const rest = chunk.subarray(start);
      if (this.#partialBytes + rest.length > this.#maxBytes) {
        const keep = rest.subarray(0, this.#maxBytes - this.#partialBytes);
        this.#partial.push(keep);
        this.#partialBytes += keep.length;
        this.#emitPartial(line, true);
        this.#discarding = true;
      } else {
        // Copy: the chunk's buffer may be reused by the stream.
        this.#partial.push(Buffer.from(rest));
        this.#partialBytes += rest.length;
      }
    }
  }

  /** At the end of the stream: the last line, if it had no newline. */
  end(line: (text: string, cut: boolean) => void): void {
    if (this.#partialBytes > 0) this.#emitPartial(line, false);
    this.#discarding = false;
  }

  #emit(bytes: Buffer, line: (text: string, cut: boolean) => void): void {
    if (this.#partialBytes > 0) {
      this.#partial.push(bytes);
      this.#emitPartial(line, false);
      return;
    }
    line(
      this.#decode(bytes.length > this.#maxBytes ? bytes.subarray(0, this.#maxBytes) : bytes),
      bytes.length > this.#maxBytes,
    );
  }

  #emitPartial(line: (text: string, cut: boolean) => void, cut: boolean): void {
    let bytes = Buffer.concat(this.#partial);
    this.#partial = [];
    this.#partialBytes = 0;
    const over = bytes.length > this.#maxBytes;
    if (over) bytes = bytes.subarray(0, this.#maxBytes);
    line(this.#decode(bytes), cut || over);
  }

  #decode(bytes: Buffer): string {
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 13) end--;
    let text = this.#decoder.decode(end === bytes.length ? bytes : bytes.subarray(0, end));
    const cr = text.lastIndexOf('\r');
    if (cr >= 0) text = text.slice(cr + 1);
    return text;
  }
}
