import type { FileTransfers } from './file-transfers.svelte.ts';
import { imageSizeOf } from './image-size.ts';
import { mimeOf } from './file-transfers.svelte.ts';

/** A file this client would not offer, and why (the host's limit, so the UI can say it). */
export interface Refusal {
  name: string;
  size: number;
  limit: number;
}

/**
 * Offer files (picked, pasted or dropped) to a room, in order. Images the row can draw get their
 * pixel size first, so every member's row reserves their box. Returns the ones refused here.
 */
export async function sendFiles(transfers: FileTransfers, room: string, files: readonly File[]): Promise<Refusal[]> {
  const refused: Refusal[] = [];
  for (const file of files) {
    const limit = transfers.maxFileBytes;
    if (limit !== null && file.size > limit) {
      refused.push({ name: file.name, size: file.size, limit });
      continue;
    }
    const image = await imageSizeOf(file, mimeOf(file));
    const result = transfers.offer(room, file, file.name || 'file', image);
    if (!result.ok) refused.push({ name: file.name, size: file.size, limit: result.limit });
  }
  return refused;
}

/** The files a drag or a paste carries (none when it carries only text). */
export function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  if (data.files.length > 0) return [...data.files];
  // Some sources (a screenshot tool, an image copied in a browser) fill only `items`.
  return [...data.items].filter((item) => item.kind === 'file').flatMap((item) => item.getAsFile() ?? []);
}

/** A drag carries files (its content is hidden until the drop; its types are not). */
export function dragHasFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}
