import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { Confinement, OutsideError } from './confinement.js';

/**
 * `GET /prediction?filepath=` reads a file on the server, as the original API did — but only a
 * file inside the configured data folders. The path must be relative (to the config file's
 * folder) and hold no `..`; it is resolved with symlinks followed, and the real location must lie
 * inside the real location of one of the folders (a configured file allows itself only). Anything
 * else — absolute paths, `..`, a symlink pointing out — is refused with one answer, whether or not
 * the target exists. The confinement goes with the path: a folder's files are each checked again
 * when read (readTable), and so is every file on the descriptor it is read from (openRegular).
 */
export type SafePath = { ok: true; path: string; within: Confinement } | { ok: false; status: 403 | 404; message: string };

export async function resolveDataPath(requested: string, baseDir: string, allowed: string[]): Promise<SafePath> {
  const refuse: SafePath = { ok: false, status: 403, message: new OutsideError().message };
  // `..` is refused outright: nothing needs it, and `x.csv/..` names the folder only on paper.
  if (!requested || isAbsolute(requested) || requested.includes('\0') || /^[a-zA-Z]:/.test(requested) || requested.split(/[\\/]/).includes('..')) return refuse;
  const wanted = resolve(baseDir, requested);
  const within = await Confinement.of(allowed);
  // Refuse by the path as written first: one outside every folder (as written and real) never reaches the disk …
  if (!within.contains(wanted) && !allowed.some((a) => resolve(a) === wanted || below(resolve(a), wanted))) return refuse;
  // … then by where it really leads — placed as exactly when it does not exist, so "outside" and
  // "missing" never tell each other apart.
  const real = await within.locate(wanted);
  if (!within.contains(real)) return refuse;
  try {
    await stat(real);
  } catch {
    return { ok: false, status: 404, message: `no such file: ${requested}` };
  }
  return { ok: true, path: real, within };
}

function below(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel !== '' && !isAbsolute(rel) && !rel.split(sep).includes('..');
}
