import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

/**
 * The renderer built alone as a plain web app, for the headless host to serve to phone browsers.
 * Same Svelte source as the desktop window; the preload bridge is simply absent in a browser.
 */
export default defineConfig({
  root: resolve(root, 'src/renderer'),
  base: './',
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: resolve(root, 'out/web'),
    emptyOutDir: true,
    // Phones may run browsers a few years old.
    target: 'es2022',
  },
});
