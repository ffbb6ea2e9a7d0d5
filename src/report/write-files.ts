import { open, rename, rm } from 'node:fs/promises';
import { fsyncDir, tempPathFor } from '../util/atomic.js';

/**
 * The report's files, each written atomically (temp file + fsync + rename) like
 * writeFileAtomicSync, but asynchronously: the ~23 writes and fsyncs run on libuv's thread pool
 * while the charts and the PDF are still being drawn, and the folder is fsynced once at the end
 * instead of after every file.
 */
export class ReportWriter {
  private readonly pending: Promise<unknown>[] = [];

  constructor(private readonly dir: string) {}

  /** Start writing `path`; resolves to its size in bytes. */
  write(path: string, body: string | Uint8Array): Promise<number> {
    const p = writeAtomic(path, typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
    // Awaited in `done`; a failure must not surface as an unhandled rejection before then.
    p.catch(() => undefined);
    this.pending.push(p);
    return p;
  }

  /** Every write started has finished, whatever its outcome. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.pending);
  }

  /** Every write finished (the first failure is thrown) and the renames made durable. */
  async done(): Promise<void> {
    const results = await Promise.allSettled(this.pending);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    fsyncDir(this.dir);
  }
}

async function writeAtomic(target: string, buf: Uint8Array): Promise<number> {
  const tmp = tempPathFor(target);
  const fh = await open(tmp, 'w', 0o644);
  try {
    await fh.writeFile(buf);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    const e = err as NodeJS.ErrnoException;
    if (e && typeof e.code === 'string' && !e.path) e.path = target; // ENOSPC names the file
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return buf.byteLength;
}
