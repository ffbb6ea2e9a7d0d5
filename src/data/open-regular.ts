import { closeSync, constants, fstatSync, openSync, statSync, type Stats } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { OutsideError, type Confinement } from './confinement.js';
import { FileRejectedError } from './row-sink.js';
import { notRegular } from '../util/not-regular.js';

/**
 * Every data file is opened here, and only a regular file is read. A FIFO, socket or device would
 * block the read (a FIFO's open() waits for a writer in a libuv thread, where no signal reaches
 * it and which even process.exit waits for) or never end (/dev/zero). So: stat first (a device is
 * never even opened), then open with O_NONBLOCK (a FIFO's open returns at once) and decide on
 * fstat of the descriptor actually opened — a file swapped for a FIFO after the stat is caught
 * there. O_NONBLOCK changes nothing for reads of a regular file.
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
/** A confined read opens the real path it checked; a symlink put there since is refused (ELOOP). */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Open a data file for reading: FileRejectedError (named by the file's base name) when it is not
 * a regular file. With `within`, the file must also lie inside the confinement, judged on its
 * real path before opening and, where the system tells (Linux's /proc/self/fd), on the location
 * of the descriptor opened — so a folder swapped for a symlink on the way cannot lead out
 * (OutsideError). Errors from open itself (ENOENT, EACCES) pass through.
 */
export async function openRegular(path: string, within?: Confinement): Promise<{ fh: FileHandle; stat: Stats }> {
  const name = basename(path);
  let target = path;
  if (within) {
    target = await within.locate(path);
    if (!within.contains(target)) throw new OutsideError();
  }
  const why = notRegular(await stat(target));
  if (why) throw new FileRejectedError(name, why);
  let fh: FileHandle;
  try {
    fh = await open(target, READ_FLAGS | (within ? NO_FOLLOW : 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' && within) throw new OutsideError();
    if (code === 'ENXIO') throw new FileRejectedError(name, 'is not a regular file'); // a socket
    throw err;
  }
  try {
    const st = await fh.stat();
    const swapped = notRegular(st);
    if (swapped) throw new FileRejectedError(name, swapped);
    if (within && !within.contains(await openedAt(fh.fd, target))) throw new OutsideError();
    return { fh, stat: st };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** openRegular without a confinement, synchronous (hashing on the main thread): the descriptor and its stat. */
export function openRegularSync(path: string): { fd: number; stat: Stats } {
  const name = basename(path);
  const why = notRegular(statSync(path));
  if (why) throw new FileRejectedError(name, why);
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENXIO') throw new FileRejectedError(name, 'is not a regular file');
    throw err;
  }
  const st = fstatSync(fd);
  const swapped = notRegular(st);
  if (swapped) {
    closeSync(fd);
    throw new FileRejectedError(name, swapped);
  }
  return { fd, stat: st };
}

/** The real location of an open descriptor where the system says (Linux), else the path it was opened by. */
async function openedAt(fd: number, openedBy: string): Promise<string> {
  if (process.platform !== 'linux') return openedBy;
  try {
    return await realpath(`/proc/self/fd/${fd}`);
  } catch {
    return openedBy;
  }
}
