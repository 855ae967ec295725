import { join } from 'node:path';
import { app, BrowserWindow, session } from 'electron';
import { createMainWindow, hardenSession } from './window.ts';

// Wiring only: each piece lives in its own module and is set up here, in order.

const here = import.meta.dirname;

function openMainWindow(): BrowserWindow {
  return createMainWindow({
    preloadPath: join(here, '../preload/index.cjs'),
    rendererFile: join(here, '../renderer/index.html'),
    // The dev server is honoured only when running from source, never in a packaged app.
    rendererUrl: app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'],
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

await app.whenReady();
hardenSession(session.defaultSession);
openMainWindow();
app.on('activate', () => {
  if (BrowserWindow.getAllWindows().length === 0) openMainWindow();
});
