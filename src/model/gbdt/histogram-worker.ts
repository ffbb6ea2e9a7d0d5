import { parentPort } from 'node:worker_threads';
import { arraysOf } from './fit-arrays.js';
import { claim, CONTROL, secondPart, type HelperSetup } from './histogram-threads.js';

/**
 * The fit's helper thread (src/model/gbdt/histogram-threads.ts): receives a fit's shared memory,
 * then waits on the control array for jobs — the second half of a histogram, partition, gradient
 * or leaf-value pass — and, when it claims one before the fit's thread does, runs it and reports it
 * done by sequence number. Blocking waits: it does nothing else.
 */
parentPort!.on('message', (setup: HelperSetup) => {
  const control = new Int32Array(setup.control);
  const arrays = arraysOf(setup.memory);
  Atomics.store(control, CONTROL.ready, 1);
  Atomics.notify(control, CONTROL.ready);
  let seen = 0;
  for (;;) {
    // Short waits in a loop, not one long one: a lost wake-up must not hang the fit (awaitValue).
    while (Atomics.load(control, CONTROL.job) === seen) Atomics.wait(control, CONTROL.job, seen, 20);
    seen = Atomics.load(control, CONTROL.job);
    if (Atomics.load(control, CONTROL.stop) === 1) return;
    // The fit's thread may have run this part itself (this one woke too late): then nothing to do.
    if (!claim(control, seen)) continue;
    secondPart(arrays, control);
    Atomics.store(control, CONTROL.done, seen);
    Atomics.notify(control, CONTROL.done);
  }
});
