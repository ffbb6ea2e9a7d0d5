import { isAbsolute, relative, sep } from 'node:path';

/**
 * Paths as the API and the report show them: relative to the workspace (the config file's folder),
 * so the server's own layout (`/srv/…`, a user's home) stays private. A path outside the workspace
 * is shown as `<path>`, as error messages show it (see redactPaths in src/server/app.ts).
 */
export function workspacePath(path: string, workspaceDir: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(workspaceDir, path);
  if (rel === '') return '.';
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return '<path>';
  return rel;
}

/**
 * A JSON value (a run record, a score list) with every string that is an absolute path made
 * workspace-relative, and the workspace's folder removed from strings that mention it (messages).
 * Returns new objects; the input is not changed.
 */
export function workspacePaths<T>(value: T, workspaceDir: string): T {
  const root = workspaceDir.endsWith(sep) ? workspaceDir : workspaceDir + sep;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (v.startsWith(sep) && !/\s/.test(v)) return workspacePath(v, workspaceDir);
      return v.includes(root) ? v.split(root).join('') : v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
