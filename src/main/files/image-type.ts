/**
 * The inline image type the first bytes of a file are, if any: a file is only drawn inline when
 * its bytes are the PNG, JPEG, GIF or WebP its sender says, so a page cannot pass off other content
 * as an image. Magic numbers from each format's specification.
 */
export function sniffImageType(head: Uint8Array): string | null {
  const starts = (bytes: number[], at = 0) => bytes.every((b, i) => head[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x47, 0x49, 0x46, 0x38]) && (head[4] === 0x37 || head[4] === 0x39) && head[5] === 0x61)
    return 'image/gif';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return null;
}

/** Bytes sniffImageType needs. */
export const IMAGE_SNIFF_BYTES = 12;
