import Anser from 'anser';

/** A run of a feed line with one style: what FeedRow renders as a <span> (text, never markup). */
export interface AnsiSpan {
  text: string;
  /** CSS colours as `rgb(r, g, b)`, when set. */
  color?: string;
  background?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  strike?: boolean;
}

/**
 * A feed line's SGR colour codes (16, 256 and true colours; bold, dim, italic, underline, strike,
 * reverse) as styled spans, parsed by anser into data — not into an HTML string, so nothing in the
 * line can become markup (anser applies `reverse` itself, swapping the colours). Whatever anser does not read as a colour code stays in the text.
 */
export function ansiSpans(line: string): AnsiSpan[] {
  if (!line.includes('\u001b')) return [{ text: line }];
  const spans: AnsiSpan[] = [];
  for (const entry of Anser.ansiToJson(line, { json: true, remove_empty: true, use_classes: false })) {
    const span: AnsiSpan = { text: entry.content };
    const fg = entry.fg ? `rgb(${entry.fg})` : undefined;
    const bg = entry.bg ? `rgb(${entry.bg})` : undefined;
    for (const d of entry.decorations) {
      if (d === 'bold') span.bold = true;
      else if (d === 'dim') span.dim = true;
      else if (d === 'italic') span.italic = true;
      else if (d === 'underline') span.underline = true;
      else if (d === 'strikethrough') span.strike = true;
      else if (d === 'hidden') span.text = ' '.repeat(span.text.length);
    }
    if (fg) span.color = fg;
    if (bg) span.background = bg;
    spans.push(span);
  }
  return spans;
}

/** The inline style of a span: only colours and the few properties above, from parsed numbers. */
export function spanStyle(span: AnsiSpan): string | undefined {
  const parts: string[] = [];
  if (span.color) parts.push(`color:${span.color}`);
  if (span.background) parts.push(`background:${span.background}`);
  if (span.bold) parts.push('font-weight:700');
  if (span.dim) parts.push('opacity:0.7');
  if (span.italic) parts.push('font-style:italic');
  if (span.underline || span.strike) {
    parts.push(
      `text-decoration:${[span.underline && 'underline', span.strike && 'line-through'].filter(Boolean).join(' ')}`,
    );
  }
  return parts.length > 0 ? parts.join(';') : undefined;
}
