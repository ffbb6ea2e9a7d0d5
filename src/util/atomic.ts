import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { copyFile, open, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { makeDir, makeDirSync } from './make-dir.js';
import { processAlive } from './process-alive.js';

/** A temp path next to `target`, so the final rename stays on one filesystem (and is atomic). */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** tempPathFor's names: `.<name>.<pid>.<8 hex>.tmp`. */
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Remove the temp files (tempPathFor's) in `dir` left by processes that are no longer running on
 * this machine — a write killed before its rename (SIGKILL, power loss). A live process's temp
 * file is kept: it may still be renamed into place. Returns the paths removed.
 */
export function removeStaleTempFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // no folder, no temp files
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    const path = join(dir, name);
    try {
      rmSync(path, { force: true });
      removed.push(path);
    } catch {
      // Best effort: a temp file that cannot be removed is only wasted space.
    }
  }
  return removed;
}

/** fsync a directory so a rename inside it survives a power cut. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * write() and fsync() errors (ENOSPC, EIO, EDQUOT) carry no path: name the file being written,
 * so the user's one error line says where the disk is full.
 */
function withPath(err: unknown, path: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && !e.path) e.path = path;
  return err;
}

/** Write a whole file atomically: temp file + fsync + rename. Readers see old or new, never half. */
export function writeFileAtomicSync(target: string, data: string | Uint8Array): void {
  makeDirSync(dirname(target));
  const tmp = tempPathFor(target);
  const fd = openSync(tmp, 'w', 0o644);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw withPath(err, target);
  }
  closeSync(fd);
  try {
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDir(dirname(target));
}

/**
 * Streamed atomic writer for large outputs (the dataset): chunks go to a temp file; `commit`
 * fsyncs and renames, `abort` removes the temp file. Nothing is visible at `target` until commit.
 */
export class AtomicFileWriter {
  private readonly tmp: string;
  private fh: import('node:fs/promises').FileHandle | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** openCopy: the size of the copied file the writes are appended to. */
  copiedBytes = 0;

  private constructor(readonly target: string) {
    this.tmp = tempPathFor(target);
  }

  /** `createFolder: false`: a missing folder is an error (ENOENT) instead of being created. */
  static async open(target: string, opts: { createFolder?: boolean } = {}): Promise<AtomicFileWriter> {
    if (opts.createFolder !== false) await makeDir(dirname(target));
    const w = new AtomicFileWriter(target);
    w.fh = await open(w.tmp, 'w', 0o644);
    return w;
  }

  /**
   * Like open(), but the temp file starts as a copy of `target` (copied in the kernel) and writes
   * are appended after it: growing a large file atomically without rewriting its contents.
   */
  static async openCopy(target: string): Promise<AtomicFileWriter> {
    const w = new AtomicFileWriter(target);
    try {
      await copyFile(target, w.tmp);
      w.fh = await open(w.tmp, 'a');
      w.copiedBytes = (await w.fh.stat()).size;
      // Start writing the copy back to disk now, while the caller prepares what to append: the
      // final fsync then only has the appended bytes left to flush.
      w.presync = w.fh.datasync();
      w.presync.catch(() => {}); // awaited (and its error raised) in sync()
    } catch (err) {
      await w.abort();
      throw withPath(err, target);
    }
    return w;
  }

  private presync: Promise<void> | null = null;

  /**
   * The temp file's descriptor, for a writer on another thread (predict's predictions thread).
   * Writes through it and through write() must not be mixed; the writer stops before commit/abort.
   */
  get fd(): number {
    return this.fh!.fd;
  }

  /**
   * Small writes are gathered into ~1 MiB blocks; a large chunk is written straight through.
   * The caller may reuse a chunk once the returned promise has resolved.
   */
  async write(chunk: string | Buffer): Promise<void> {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (buf.length >= 1 << 20) {
      await this.flush();
      await this.writeAll(buf);
      return;
    }
    this.pending.push(Buffer.from(buf));
    this.pendingBytes += buf.length;
    if (this.pendingBytes >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.writeAll(buf);
  }

  private async writeAll(buf: Buffer): Promise<void> {
    let off = 0;
    try {
      while (off < buf.length) {
        const { bytesWritten } = await this.fh!.write(buf, off, buf.length - off);
        off += bytesWritten;
      }
    } catch (err) {
      throw withPath(err, this.target);
    }
  }

  /**
   * Write at `position` (sections of a file laid out in advance, several at once, or a header
   * filled in last). Not mixed with write() on one file, and not for a writer from openCopy: its
   * file is in append mode, where the position would be ignored.
   */
  async writeAt(buf: Buffer, position: number): Promise<void> {
    if (this.copiedBytes) throw new Error('writeAt on an appending writer');
    await this.flush();
    try {
      let off = 0;
      while (off < buf.length) {
        const { bytesWritten } = await this.fh!.write(buf, off, buf.length - off, position + off);
        off += bytesWritten;
      }
    } catch (err) {
      throw withPath(err, this.target);
    }
  }

  /**
   * writeAt for a list of buffers laid end to end from `position` (one writev; the rest written
   * on if the kernel took only part). Same rules as writeAt.
   */
  async writevAt(bufs: Buffer[], position: number): Promise<void> {
    if (this.copiedBytes) throw new Error('writevAt on an appending writer');
    // Nothing gathered (the usual case): the write is handed to the thread pool before this returns.
    if (this.pendingBytes) await this.flush();
    try {
      let { bytesWritten } = await this.fh!.writev(bufs, position);
      let total = 0;
      for (const b of bufs) total += b.length;
      if (bytesWritten < total) {
        const rest = Buffer.concat(bufs, total).subarray(bytesWritten);
        for (let off = 0; off < rest.length; off += bytesWritten) ({ bytesWritten } = await this.fh!.write(rest, off, rest.length - off, position + total - rest.length + off));
      }
    } catch (err) {
      throw withPath(err, this.target);
    }
  }

  /**
   * Start writing what was written so far back to disk now, in the background, so that sync()
   * later has less left to flush. Its error, if any, surfaces in sync() (or is ignored by abort()).
   */
  syncSoon(): void {
    const fh = this.fh;
    if (!fh) return;
    const before = this.presync;
    // No flush here: a write may be in flight, and writes must stay in order; what is already
    // written is enough.
    this.presync = (async () => {
      if (before) await before;
      await fh.datasync();
    })();
    this.presync.catch(() => {}); // awaited (and its error raised) in sync()
  }

  async commit(): Promise<void> {
    await this.sync();
    await this.publish();
  }

  /** Flush and fsync the temp file (nothing visible yet). Split from publish() so two files can sync in parallel. */
  async sync(): Promise<void> {
    try {
      await this.flush();
      if (this.presync) await this.presync;
      await this.fh!.sync();
      await this.fh!.close();
      this.fh = undefined;
    } catch (err) {
      await this.abort();
      throw withPath(err, this.target);
    }
  }

  /** Rename the synced temp file over the target: the atomic step. */
  async publish(): Promise<void> {
    try {
      await rename(this.tmp, this.target);
    } catch (err) {
      await this.abort();
      throw err;
    }
    fsyncDir(dirname(this.target));
  }

  async abort(): Promise<void> {
    if (this.presync) await this.presync.catch(() => {});
    if (this.fh) {
      await this.fh.close().catch(() => {});
      this.fh = undefined;
    }
    await rm(this.tmp, { force: true });
  }
}
