import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The layer table of the architecture guide, as eslint.config.js enforces it: checked on sample imports. */
const eslint = new ESLint({ cwd: fileURLToPath(new URL('../..', import.meta.url)) });

async function refused(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\n`, { filePath: file });
  return result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it('keep the Electron glue out of services', async () => {
    expect(await refused('src/main/host/probe.ts', "import '../ipc.ts';")).toHaveLength(1);
    expect(await refused('src/main/host/rooms/probe.ts', "import '../../index.ts';")).toHaveLength(1);
    expect(await refused('src/main/store/probe.ts', "import { app } from 'electron';")).toHaveLength(1);
    expect(await refused('src/main/downloads/probe.ts', "import { dialog } from 'electron';")).toHaveLength(1);
    expect(await refused('src/main/downloads/probe.ts', "import '../desktop.ts';")).toHaveLength(1);
    expect(await refused('src/main/files/probe.ts', "import { shell } from 'electron';")).toHaveLength(1);
  });

  it('let a service reach another only through its index.ts, and its own files freely', async () => {
    expect(await refused('src/main/host/probe.ts', "import '../store/message-store.ts';")).toHaveLength(1);
    expect(await refused('src/main/discovery/probe.ts', "import '../host/auth/join-token.ts';")).toHaveLength(1);
    expect(await refused('src/main/cli/probe.ts', "import '../discovery/advert.ts';")).toHaveLength(1);
    expect(await refused('src/main/host/probe.ts', "import '../store/index.ts';")).toEqual([]);
    expect(await refused('src/main/host/rooms/probe.ts', "import '../session.ts';\nimport '../../logger.ts';")).toEqual(
      [],
    );
  });

  it('keep Node and ws out of the shared contract and the renderer', async () => {
    expect(await refused('src/shared/probe.ts', "import 'node:fs';")).toHaveLength(1);
    expect(await refused('src/renderer/src/lib/probe.ts', "import { WebSocket } from 'ws';")).toHaveLength(1);
  });
});
