import { lstat, readlink, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { RiskwatchError } from '../util/errors.js';

/**
 * The path (or a file in it) lies outside the folders a read is confined to. One message whether
 * or not the target exists, so a refusal never tells what is on the disk outside.
 */
export class OutsideError extends RiskwatchError {
  constructor() {
    super('filepath must be a relative path inside the configured data folders');
    this.name = 'OutsideError';
  }
}

/**
 * Reads confined to some folders (and single files): what `GET /prediction?filepath=` may read.
 * Judged on real locations — every symlink followed — of the folders and of each file read,
 * never on the path as written.
 */
export class Confinement {
  private constructor(
    private readonly folders: string[],
    private readonly files: string[],
  ) {}

  /** Folders allow what lies below them; a file allows itself only (not its neighbours). One that does not exist allows nothing. */
  static async of(allowed: string[]): Promise<Confinement> {
    const folders: string[] = [];
    const files: string[] = [];
    for (const p of allowed) {
      try {
        const real = await realpath(p);
        ((await stat(real)).isDirectory() ? folders : files).push(real);
      } catch {
        // nothing to allow
      }
    }
    return new Confinement(folders, files);
  }

  /** Whether a real (symlink-free, absolute) path lies below an allowed folder or is an allowed file. */
  contains(real: string): boolean {
    return this.files.includes(real) || this.folders.some((root) => below(root, real));
  }

  /** Whether `real` is one of the allowed folders themselves. */
  isRoot(real: string): boolean {
    return this.folders.includes(real);
  }

  /**
   * Where an absolute path leads on this disk: its real path when it exists; otherwise the real
   * path of the nearest existing ancestor with the rest appended, following dangling symlinks to
   * where they point. So a path that does not exist is placed as exactly as one that does — inside
   * or outside — and "outside" never depends on whether the target exists.
   */
  async locate(p: string): Promise<string> {
    return locate(resolve(p), 0);
  }
}

const MAX_LINKS = 40; // as the kernel's ELOOP limit

async function locate(p: string, depth: number): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    // missing, a dangling link, a loop, or no permission on the way: resolve it step by step
  }
  const parent = dirname(p);
  if (parent === p || depth > MAX_LINKS) return p;
  const here = join(await locate(parent, depth + 1), basename(p));
  try {
    return await realpath(here);
  } catch {
    // still missing below the real parent
  }
  try {
    if ((await lstat(here)).isSymbolicLink()) return await locate(resolve(dirname(here), await readlink(here)), depth + 1);
  } catch {
    // gone meanwhile, or unreadable: placed where it would be
  }
  return here;
}

function below(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel !== '' && !isAbsolute(rel) && !rel.split(sep).includes('..');
}
