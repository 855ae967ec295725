import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;
const fromRoot = (path: string): string => resolve(root, path);

export default defineConfig({
  main: {
    build: {
      // Dependencies (ws, zod) stay in node_modules and are required at run time; electron and the
      // Node built-ins are always external. This is electron-vite's default, spelled out on purpose.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: fromRoot('src/main/index.ts'),
          // The headless host (plain Node, no Electron) shares the services with the app.
          'host-cli': fromRoot('src/main/cli/cli.ts'),
          // The desktop app's host runs in a worker thread (HostController loads out/main/host-worker.js).
          'host-worker': fromRoot('src/main/host-control/host-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require anything but electron's own modules, so bundle every
      // dependency into the single output file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: fromRoot('src/preload/index.ts') },
        // Sandboxed preloads cannot be ES modules: emit CommonJS, named .cjs because package.json says "module".
        output: { format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs' },
      },
    },
  },
  renderer: {
    root: fromRoot('src/renderer'),
    plugins: [svelte({ configFile: false })],
    build: {
      rolldownOptions: {
        input: { index: fromRoot('src/renderer/index.html') },
      },
    },
  },
});
