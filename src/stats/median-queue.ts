import { medianNonMissing, type SortBuffers } from './sorted.js';

/**
 * The numeric columns' training medians shared out between two threads, a column at a time:
 * training's fit wants them before it can scale its columns, while the drift reference's thread
 * has just been handed the same columns. Each column's median is medianNonMissing's on either
 * thread, so the same numbers; a column is taken by `Atomics.add` on `state[0]`, counted done on
 * `state[1]`. All in shared memory, posted to the other thread as it is.
 */
export interface MedianQueue {
  /** The columns (indices into the dataset's x) whose medians are wanted, in the order taken. */
  cols: Int32Array;
  /** [next column to take, columns done]. */
  state: Int32Array;
  /** Per column of x: its median once done (NaN until then, and for the columns not wanted). */
  out: Float64Array;
}

export function medianQueue(width: number, cols: readonly number[]): MedianQueue {
  const q: MedianQueue = {
    cols: new Int32Array(new SharedArrayBuffer(4 * Math.max(1, cols.length))).subarray(0, cols.length),
    state: new Int32Array(new SharedArrayBuffer(8)),
    out: new Float64Array(new SharedArrayBuffer(8 * Math.max(1, width))).subarray(0, width),
  };
  q.cols.set(cols);
  q.out.fill(Number.NaN);
  return q;
}

/** Take columns off the queue and compute their medians until none is left to take. */
export function takeMedians(x: readonly Float64Array[], q: MedianQueue, buffers: SortBuffers): void {
  for (;;) {
    const k = Atomics.add(q.state, 0, 1);
    if (k >= q.cols.length) return;
    const j = q.cols[k];
    q.out[j] = medianNonMissing(x[j], buffers);
    Atomics.add(q.state, 1, 1);
    Atomics.notify(q.state, 1);
  }
}

/**
 * Every wanted column's median: this thread takes columns with the other until none is left, then
 * waits for those the other has under way. Should the other stop making progress for `patienceMs`
 * (it failed, or gets no core), the columns it has not finished are computed here (the same numbers).
 */
export function allMedians(x: readonly Float64Array[], q: MedianQueue, buffers: SortBuffers, patienceMs = 2000): Float64Array {
  takeMedians(x, q, buffers);
  const m = q.cols.length;
  for (;;) {
    const done = Atomics.load(q.state, 1);
    if (done >= m) break;
    if (Atomics.wait(q.state, 1, done, patienceMs) === 'timed-out' && Atomics.load(q.state, 1) === done) {
      for (const j of q.cols) if (q.out[j] !== q.out[j]) q.out[j] = medianNonMissing(x[j], buffers);
      break;
    }
  }
  return q.out;
}
