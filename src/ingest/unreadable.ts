import type { Context } from '../context.js';
import { FileRejectedError } from '../data/read-data-file.js';
import type { IngestFileResult } from './ingest.js';

/**
 * A data file the operating system would not let us read (EACCES: no permission, EIO: a bad
 * disk, …): that file is rejected by name, never the whole folder source with it. Errors of our
 * own making (no errno code) stay failures.
 */
export function unreadable(err: unknown): err is NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException;
  return !(err instanceof FileRejectedError) && typeof e?.code === 'string' && READ_CALLS.has(e.syscall ?? '');
}

/** The calls reading a data file makes (writes belong to the dataset, whose failure fails the ingest). */
const READ_CALLS = new Set(['open', 'read', 'stat', 'fstat', 'lstat']);

/**
 * Reject an unreadable file. Not recorded in the store, unlike other rejects: fixing a file's
 * permissions does not change its size or mtime, so a recorded reject would never be read again;
 * unrecorded, it is tried (and reported) by every run until it can be read.
 */
export function rejectUnreadable(ctx: Pick<Context, 'log'>, name: string, err: NodeJS.ErrnoException, results: IngestFileResult[]): void {
  const reason = `unreadable: ${ERRNO_WORDS[err.code!] ?? err.code} (${err.code})`;
  ctx.log.warn({ file: name, code: err.code }, `file rejected: ${name}: ${reason}; it is tried again by the next ingest`);
  results.push({ name, status: 'rejected', rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, duplicates: 0, rowsAdded: 0, rejectedByReason: {}, missing: {}, reason });
}

const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  ENOENT: 'the file disappeared',
  ELOOP: 'too many symbolic links',
  ENXIO: 'no such device',
  EISDIR: 'is a folder',
};
