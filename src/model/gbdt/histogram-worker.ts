import { parentPort } from 'node:worker_threads';
import { buildFeatures, CONTROL, type HelperSetup } from './histogram-threads.js';

/**
 * The histogram helper thread (src/model/gbdt/histogram-threads.ts): receives a fit's shared
 * arrays, then waits on the control array for jobs — features [f0, f1) of one node's histogram —
 * and reports each done by sequence number. Blocking waits: it does nothing else.
 */
parentPort!.on('message', (setup: HelperSetup) => {
  const control = new Int32Array(setup.control);
  const bins = new Uint8Array(setup.bins);
  const rows = new Int32Array(setup.rows);
  const gh = new Float64Array(setup.gh);
  const hists = new Float64Array(setup.hists);
  Atomics.store(control, CONTROL.ready, 1);
  Atomics.notify(control, CONTROL.ready);
  let seen = 0;
  for (;;) {
    Atomics.wait(control, CONTROL.job, seen);
    seen = Atomics.load(control, CONTROL.job);
    if (Atomics.load(control, CONTROL.stop) === 1) return;
    const slot = control[CONTROL.slot];
    const hist = hists.subarray(slot * setup.histLength, (slot + 1) * setup.histLength);
    buildFeatures(hist, bins, setup.n, rows, control[CONTROL.start], control[CONTROL.end] - control[CONTROL.start], gh, control[CONTROL.f0], control[CONTROL.f1], control[CONTROL.identity] === 1);
    Atomics.store(control, CONTROL.done, seen);
    Atomics.notify(control, CONTROL.done);
  }
});
