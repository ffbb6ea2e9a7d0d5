import type { Stats } from 'node:fs';

/**
 * Why a path cannot be read as a data (or SQLite) file; undefined for a regular file. Reading a
 * FIFO blocks until a writer comes, a device may never end: only regular files are read.
 */
export function notRegular(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  return st.isDirectory() ? 'is a directory, not a file' : 'is not a regular file';
}
