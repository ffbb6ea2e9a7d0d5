import { realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * `GET /prediction?filepath=` reads a file on the server, as the original API did — but only a
 * file inside the configured data folders. The path must be relative (to the config file's
 * folder); it is resolved with symlinks followed (realpath), and the real location must lie inside
 * the real location of one of the folders. Anything else — absolute paths, `..` escapes, a symlink
 * pointing out — is refused, without saying whether the target exists.
 */
export type SafePath = { ok: true; path: string } | { ok: false; status: 403 | 404; message: string };

export async function resolveDataPath(requested: string, baseDir: string, allowed: string[]): Promise<SafePath> {
  const refuse: SafePath = { ok: false, status: 403, message: 'filepath must be a relative path inside the configured data folders' };
  if (!requested || isAbsolute(requested) || requested.includes('\0') || /^[a-zA-Z]:/.test(requested)) return refuse;
  const wanted = resolve(baseDir, requested);
  const roots: string[] = [];
  for (const folder of allowed) {
    try {
      const real = await realpath(folder);
      roots.push((await stat(real)).isDirectory() ? real : dirname(real));
    } catch {
      // A configured folder that does not exist allows nothing.
    }
  }
  // Refuse by the lexical path first (a `..` escape never reaches the disk) …
  if (!roots.some((root) => inside(root, wanted)) && !allowed.some((a) => inside(resolve(a), wanted))) return refuse;
  let real: string;
  try {
    real = await realpath(wanted);
  } catch {
    return { ok: false, status: 404, message: `no such file: ${requested}` };
  }
  // … then by the real one (a symlink inside a folder may point anywhere).
  if (!roots.some((root) => inside(root, real))) return refuse;
  return { ok: true, path: real };
}

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' ? false : !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..');
}
