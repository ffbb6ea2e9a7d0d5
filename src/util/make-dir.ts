import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/*
 * `mkdir -p`, without Node's `{ recursive: true }`: on a filesystem where mkdir answers ENOENT
 * for a path whose parent exists (/proc, sysfs, some FUSE mounts), Node 20's recursive mkdir
 * creates the parent, gets EEXIST, retries the child, gets ENOENT again — forever, at full CPU,
 * and the synchronous one blocks the event loop so SIGTERM/SIGINT handlers never run. Here each
 * folder is tried at most twice (before and after creating its parent), so every failure ends
 * in one error naming the folder.
 */

function isDirError(dir: string): NodeJS.ErrnoException {
  const e = new Error(`ENOTDIR: not a directory, mkdir '${dir}'`) as NodeJS.ErrnoException;
  Object.assign(e, { code: 'ENOTDIR', errno: -20, syscall: 'mkdir', path: dir });
  return e;
}

/** Create `dir` and any missing parents; an existing folder is fine, an existing file is ENOTDIR. */
export function makeDirSync(dir: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        if (statSync(dir).isDirectory()) return;
        throw isDirError(dir);
      }
      const parent = dirname(dir);
      if (code !== 'ENOENT' || attempt > 0 || parent === dir) throw err;
      makeDirSync(parent);
    }
  }
}

/** makeDirSync, asynchronously. */
export async function makeDir(dir: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await mkdir(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        if ((await stat(dir)).isDirectory()) return;
        throw isDirError(dir);
      }
      const parent = dirname(dir);
      if (code !== 'ENOENT' || attempt > 0 || parent === dir) throw err;
      await makeDir(parent);
    }
  }
}
