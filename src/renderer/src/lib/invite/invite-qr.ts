import { toString } from 'qrcode';

export interface QrOptions {
  /** Quiet zone in modules. Default 2. */
  margin?: number;
  /** Colours as #rrggbb. Defaults: black on white (scanners expect dark on light). */
  dark?: string;
  light?: string;
}

/**
 * An invite link as a QR code, an SVG document string (`<svg …>…</svg>`) that scales to any size.
 * Pure JavaScript (the `qrcode` library; its browser build in the renderer), so the renderer can call
 * it directly. The SVG holds only paths made here, never the link's text, so it is safe to place in
 * the page as markup (or as an `<img>` data URL).
 */
export function inviteQrSvg(link: string, options: QrOptions = {}): Promise<string> {
  return toString(link, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: options.margin ?? 2,
    color: { dark: options.dark ?? '#000000', light: options.light ?? '#ffffff' },
  });
}
