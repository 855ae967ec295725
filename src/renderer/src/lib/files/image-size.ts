import { INLINE_IMAGE_TYPES, MAX_IMAGE_SIDE } from '../../../../shared/protocol/index.ts';

/** Images larger than this are not decoded just to learn their size. */
const MAX_DECODED_BYTES = 64 * 1024 * 1024;

/**
 * The pixel size of an image the row may draw inline (PNG, JPEG, GIF, WebP), for `upload.image`:
 * every member's row reserves that box before the bytes arrive. Undefined for anything else or
 * when it does not decode.
 */
export async function imageSizeOf(file: Blob, mime: string): Promise<{ width: number; height: number } | undefined> {
  if (!(INLINE_IMAGE_TYPES as readonly string[]).includes(mime) || file.size > MAX_DECODED_BYTES) return undefined;
  if (typeof createImageBitmap !== 'function') return undefined;
  try {
    const bitmap = await createImageBitmap(file);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    const fits = (side: number) => Number.isInteger(side) && side >= 1 && side <= MAX_IMAGE_SIDE;
    return fits(size.width) && fits(size.height) ? size : undefined;
  } catch {
    return undefined;
  }
}

/** The box an image of `size` takes in a row: scaled down (never up) to fit `max`, in CSS pixels. */
export function fitBox(
  size: { width: number; height: number } | undefined,
  max: { width: number; height: number },
): { width: number; height: number } {
  if (!size) return { width: Math.round(max.width * 0.75), height: Math.round(max.height * 0.75) };
  const scale = Math.min(1, max.width / size.width, max.height / size.height);
  return { width: Math.max(1, Math.round(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)) };
}

/** Images drawn in the list at once: past these, a row asks first (a phone decodes every pixel for a small box). */
export const AUTO_DRAW_MAX_BYTES = 8 * 1024 * 1024;
export const AUTO_DRAW_MAX_PIXELS = 16_000_000;

/** Whether the list draws this image without being asked: not when its bytes or pixels are many. */
export function drawsAtOnce(size: number, image: { width: number; height: number } | undefined): boolean {
  if (size > AUTO_DRAW_MAX_BYTES) return false;
  return image === undefined || image.width * image.height <= AUTO_DRAW_MAX_PIXELS;
}
