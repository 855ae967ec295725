import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const here = import.meta.dirname;

/** Builds the renderer benchmark page (production build, as users get it) into out/bench-renderer. */
export default defineConfig({
  root: here,
  base: './',
  logLevel: 'warn',
  plugins: [svelte({ configFile: false })],
  build: { outDir: resolve(here, '../../out/bench-renderer'), emptyOutDir: true, target: 'es2022' },
});
