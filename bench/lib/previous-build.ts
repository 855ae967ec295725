// An earlier commit of Tincan, checked out beside this one, so a scenario can run today's host and
// an earlier one side by side in the same run ("no regression" targets). The checkout is a git
// worktree in the temp folder that shares this checkout's node_modules.
import { spawnSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The commit "today's" numbers are compared with: the last one before the room hub (issue 8) moved
 * storage, fan-out and limits. Move it forward when a later change is the new reference.
 */
export const PREVIOUS_BUILD = '6e3f55e';

export interface PreviousBuild {
  rev: string;
  /** Its bench/bench-host.ts, which spawn-host runs like today's. */
  hostScript: string;
}

/** Check out `rev` (once) and return its bench host; throws with the reason when it cannot. */
export function previousBuild(rev = PREVIOUS_BUILD): PreviousBuild {
  const git = (...args: string[]) => spawnSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' });
  const resolved = git('rev-parse', '--verify', `${rev}^{commit}`);
  if (resolved.status !== 0) throw new Error(`commit ${rev} is not in this clone (a shallow clone?)`);
  const sha = resolved.stdout.trim();
  const dir = join(tmpdir(), `tincan-bench-${sha.slice(0, 12)}`);
  if (!existsSync(join(dir, 'package.json'))) {
    const added = git('worktree', 'add', '--detach', '--force', dir, sha);
    if (added.status !== 0) throw new Error(`git worktree add failed: ${added.stderr.trim()}`);
  }
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { rev: sha.slice(0, 7), hostScript: join(dir, 'bench', 'bench-host.ts') };
}
