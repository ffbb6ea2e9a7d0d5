import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built dashboard (vite → dist/dashboard/, a few small files) held in memory and served by
 * name: no file-system lookup per request, so no path from a URL ever reaches the disk. Hashed
 * assets (assets/*-<hash>.js) are cached for a year; index.html is revalidated every time so a
 * new build shows at once.
 */
export interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
  cacheControl: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** dist/dashboard seen from dist/server (tsc output), dist/cli/chunks (the bundle) or src/server (tests). */
export function dashboardFolder(): string | undefined {
  for (const up of ['../dashboard/', '../../dashboard/', '../../dist/dashboard/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    // assets/ tells the build output from the source folder (dashboard/index.html) two levels up from src/server.
    if (existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets'))) return dir;
  }
  return undefined;
}

/** Every file under `dir`, by its URL path relative to the dashboard root ("index.html", "assets/x.js"). */
export function loadDashboardFiles(dir: string | undefined): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!dir) return files;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const rel = relative(dir, p).split(sep).join('/');
        const body = readFileSync(p);
        const hashed = rel.startsWith('assets/');
        files.set(rel, {
          body,
          type: TYPES[extname(p).toLowerCase()] ?? 'application/octet-stream',
          etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 16)}"`,
          cacheControl: hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
      }
    }
  };
  walk(dir);
  return files;
}
