/**
 * The message to show for a failed bridge call. Electron wraps errors from the main process as
 * "Error invoking remote method 'channel': Error: <message>"; people need only the last part.
 */
export function bridgeErrorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const marker = text.lastIndexOf('Error: ');
  return marker >= 0 ? text.slice(marker + 'Error: '.length) : text;
}
