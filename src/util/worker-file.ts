import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The first of `names` (paths relative to `base`, a module's import.meta.url) that exists as a
 * file: a worker module is beside its client in the tsc output (.js), under tsx (.ts), or bundled
 * beside the CLI (dist/cli/*.mjs, while the client's code sits in a chunk one folder down).
 */
export function findWorkerFile(base: string, names: string[]): URL | undefined {
  for (const name of names) {
    const url = new URL(name, base);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

/**
 * A worker thread running `file`. Running from source under tsx (the tests), a worker does not
 * inherit tsx's loader, so it registers it before importing the .ts module.
 */
export function startWorker(file: URL): Worker {
  if (file.pathname.endsWith('.ts')) {
    const tsx = import.meta.resolve('tsx/esm/api');
    return new Worker(`import(${JSON.stringify(tsx)}).then((m) => m.register()).then(() => import(${JSON.stringify(file.href)}))`, { eval: true });
  }
  return new Worker(file);
}

/**
 * A worker thread running `file`, unref'd (it never keeps the process alive by itself), or
 * undefined when there is no file or the thread cannot start — the caller then does the work on
 * its own thread.
 */
export function tryStartWorker(file: URL | undefined): Worker | undefined {
  if (!file) return undefined;
  try {
    const worker = startWorker(file);
    worker.unref();
    return worker;
  } catch {
    return undefined;
  }
}
