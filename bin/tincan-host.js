#!/usr/bin/env node
// Launches the headless host: the bundled build when present, else the TypeScript source (Node 24 runs it directly).
import { existsSync } from 'node:fs';

const built = new URL('../out/main/host-cli.js', import.meta.url);
await import(existsSync(built) ? built.href : new URL('../src/main/cli/cli.ts', import.meta.url).href);
