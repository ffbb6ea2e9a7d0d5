import { closeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { openRegularSync } from './open-regular.js';

/**
 * sha256 (hex) of a regular file, hashed on a short-lived thread of its own while the caller's
 * thread does other work (train reads the dataset's .bin meanwhile: the CSV's hash was ~40 ms of
 * its critical path). The file is opened here (a FIFO is refused, not waited on) and the thread
 * reads that descriptor by position; without a thread (it cannot start, or fails) the promise
 * rejects and the caller hashes on its own thread. Small CommonJS evaluated in place: nothing to
 * load, so it starts in milliseconds.
 */
const CODE = `const { parentPort, workerData } = require('node:worker_threads');
const { readSync } = require('node:fs');
const h = require('node:crypto').createHash('sha256');
const buf = Buffer.allocUnsafe(1 << 20);
for (let at = 0; ; ) {
  const n = readSync(workerData, buf, 0, buf.length, at);
  if (n === 0) break;
  h.update(buf.subarray(0, n));
  at += n;
}
parentPort.postMessage(h.digest('hex'));`;

export function hashFileAside(path: string): Promise<string> {
  const { fd } = openRegularSync(path);
  return new Promise<string>((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(CODE, { eval: true, workerData: fd });
    } catch (err) {
      closeSync(fd);
      reject(err);
      return;
    }
    let done = false;
    const end = (f: () => void) => {
      if (done) return;
      done = true;
      closeSync(fd);
      f();
    };
    worker.once('message', (hex: string) => end(() => resolve(hex)));
    worker.once('error', (err) => end(() => reject(err)));
    worker.once('exit', (code) => end(() => reject(new Error(`the hash thread exited (code ${code})`))));
  });
}
