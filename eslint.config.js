// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/*
 * Layer rules from docs/architecture (guide): who may import whom. Each zone lists what its files must
 * not import. Later config objects replace a rule's options for the files they match, so every zone
 * spells out its full list rather than adding to another's.
 */
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_') && !name.startsWith('node:'));

/** @typedef {{ regex: string, message: string, allowTypeImports?: boolean }} Pattern */

/** @type {Record<string, Pattern>} */
const forbid = {
  electron: { regex: '^electron(/.*)?$', message: 'This layer must not depend on Electron.' },
  electronValue: {
    regex: '^electron(/.*)?$',
    allowTypeImports: true,
    message: 'Services run in plain Node (headless host, tests): use `import type` from electron at most.',
  },
  node: {
    regex: `^(node:.*|(${nodeBuiltins.join('|')})(/.*)?)$`,
    message: 'This layer runs outside Node: no Node built-ins.',
  },
  ws: { regex: '^ws(/.*)?$', message: 'Only the services speak `ws`; browsers use the built-in WebSocket.' },
  main: {
    regex: '(^|/)main(/|$)',
    message: 'Only the Electron glue (src/main/index.ts …) may import main-process code.',
  },
  preload: {
    regex: '(^|/)preload(/|$)',
    message: 'Nothing imports the preload; the renderer reaches it as `window.tincan`.',
  },
  renderer: { regex: '(^|/)renderer(/|$)', message: 'Only the renderer build includes renderer code.' },
  glue: {
    regex: '^(\\.\\./)+(index|ipc|window|services|desktop|app-protocol|csp|renderer-location)\\.ts$',
    message: 'Services run without Electron: they must not import the Electron glue in src/main/*.ts.',
  },
};

/** Folders of src/main that are services (plus the headless composition root, cli/). */
const services = [
  'host',
  'store',
  'feeds',
  'files',
  'downloads',
  'tls',
  'discovery',
  'settings',
  'host-control',
  'discovery-control',
  'cli',
];

/**
 * A service reaches another only through its public entry (`<service>/index.ts`), never its
 * internals. Relative imports inside a service never name its own folder, so one pattern per
 * other service is enough.
 * @param {string} self
 * @returns {Pattern}
 */
const internalsOfOthers = (self) => ({
  regex: `^(\\.\\./)+(${services.filter((s) => s !== self).join('|')})/(?!index\\.ts$)`,
  message: 'Import another service through its index.ts, not its internals.',
});

/** @param {Pattern[]} patterns */
const restrict = (patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });

export default defineConfig([
  globalIgnores(['out/', 'dist/', 'coverage/', 'test-results/', 'bench/results/', 'node_modules/']),

  js.configs.recommended,
  tseslint.configs.recommended,
  svelte.configs.recommended,

  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'], svelteFeatures: { runes: true } },
    },
  },
  {
    files: ['src/renderer/**', 'bench/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },

  // Layers, from the table in the architecture guide.
  {
    name: 'tincan/layer/shared',
    files: ['src/shared/**'],
    rules: restrict([forbid.electron, forbid.node, forbid.ws, forbid.main, forbid.preload, forbid.renderer]),
  },
  {
    name: 'tincan/layer/electron-glue',
    files: ['src/main/**'],
    rules: restrict([forbid.preload, forbid.renderer]),
  },
  ...services.map((service) => ({
    name: `tincan/layer/services/${service}`,
    files: [`src/main/${service}/**`],
    rules: restrict([forbid.electronValue, forbid.preload, forbid.renderer, forbid.glue, internalsOfOthers(service)]),
  })),
  {
    name: 'tincan/layer/bridge',
    files: ['src/preload/**'],
    rules: restrict([forbid.main, forbid.renderer]),
  },
  {
    name: 'tincan/layer/ui',
    files: ['src/renderer/**'],
    rules: restrict([forbid.electron, forbid.node, forbid.ws, forbid.main, forbid.preload]),
  },
]);
