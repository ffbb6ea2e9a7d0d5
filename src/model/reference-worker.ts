import { parentPort } from 'node:worker_threads';
import type { Dataset } from '../data/dataset.js';
import { IdColumn } from '../data/id-column.js';
import { featureProfiles, rowProfiles } from '../stats/reference.js';
import { FeatureProfiler } from '../stats/feature-profiler.js';
import { referenceProfile } from '../stats/profile.js';
import { RowProfiler, ROWS_BY } from '../stats/row-profiler.js';
import { SortScratch } from '../stats/sorted.js';
import { takeMedians, type MedianQueue } from '../stats/median-queue.js';
import { prepareHelperKernel, servePasses, type SharedPass } from './logistic/pass-threads.js';
import type { ModelDocument } from '../contracts/model-document.js';
import { loadModel } from './fitted-model.js';

/**
 * The drift reference's thread (started by reference-thread.ts while `train` reads the dataset):
 * profiles every training column — sorting them is most of a reference's cost — while the main
 * thread fits the model (the machine has two cores), a column at a time; takes half of each of the
 * fit's passes over all rows (logistic/pass-threads.ts) from when they are offered until the fit
 * is over, the columns left profiled in the time the passes leave it; then predicts the later half
 * of the training rows with the model, and, sent the main thread's half, computes the
 * predictions' profile and calibration (while the main thread counts the rows' categories and
 * stayers). Everything it reads is in shared memory: the columns are not copied. The same
 * functions as on one thread, so the same numbers.
 */
export type ReferenceRequest =
  /** `rowsBy`: who makes the row profiles (ROWS_BY): the thread claims them once it has idle time, unless the main thread has. */
  /** `medians`: the training medians the fit waits for, shared out with the main thread (stats/median-queue.ts). */
  | { type: 'data'; features: string[]; rows: number; x: Float64Array[]; y: Uint8Array; levels: (readonly string[] | null)[] | undefined; oneHot?: boolean; medians?: MedianQueue; rowsBy: Int32Array }
  | { type: 'passes'; setup: SharedPass }
  | { type: 'predict'; doc: ModelDocument; from: number; prob: Float64Array }
  | { type: 'prob'; prob: Float64Array };
/** Besides the reply, the thread says when it has predicted its rows ({ type: 'predicted' }). */
export type ReferenceReply =
  | { type: 'done'; features: ReturnType<typeof featureProfiles>; prediction: ReturnType<typeof referenceProfile>; rows?: ReturnType<typeof rowProfiles> }
  | { type: 'error'; message: string };

const port = parentPort;
if (port) {
  let ds: Dataset | undefined;
  let scratch: SortScratch | undefined;
  let profiler: FeatureProfiler | undefined;
  let rowsBy: Int32Array | undefined;
  let rows: RowProfiler | undefined;
  let failed = false;
  // While the fit's passes leave this thread idle: the columns' profiles left, a column at a time;
  // then the row profiles a piece at a time — claimed first, unless the main thread has (then
  // nothing more to do here).
  const idleWork = (): boolean => {
    if (profiler?.pending) {
      profiler.step();
      return true;
    }
    if (!rows) {
      if (!ds || !rowsBy || Atomics.compareExchange(rowsBy, 0, ROWS_BY.none, ROWS_BY.thread) !== ROWS_BY.none) return false;
      rows = new RowProfiler(ds);
    }
    return rows.step();
  };
  const fail = (err: unknown) => {
    failed = true;
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies ReferenceReply);
  };
  // The columns profiled one per turn of the event loop, so that the fit's offer of its passes
  // (a message) is taken up between two columns, not after all of them: the fit's first passes
  // over all rows then share this thread from the start (they waited for every column's sort,
  // ~0.2-0.3 s of this thread, and the first one or two ran on the fit's thread alone).
  const profileNext = () => {
    if (failed || !profiler?.pending) return;
    try {
      profiler.step();
      setImmediate(profileNext);
    } catch (err) {
      fail(err);
    }
  };
  port.on('message', (m: ReferenceRequest) => {
    if (failed) return;
    try {
      if (m.type === 'data') {
        ds = { features: m.features, rows: m.rows, ids: new IdColumn(0), x: m.x, y: m.y, ...(m.levels ? { levels: m.levels } : {}) };
        rowsBy = m.rowsBy;
        scratch = new SortScratch(m.rows);
        // First what the fit waits for: the medians of the columns the main thread has not taken.
        if (m.medians) takeMedians(ds.x, m.medians, scratch);
        // The one-hot fit's pass kernel (its levels' part) made now, compiled by V8 meanwhile:
        // a category column is one with levels, as the fit decides.
        if (m.oneHot) {
          const c = m.levels?.filter((l) => l !== null).length ?? 0;
          prepareHelperKernel(m.features.length - c, c);
        }
        // The row profiles (category counts, stayers) wait for idle time in the fit's passes (or
        // are the main thread's, made while this thread sorts the predictions): here they would
        // keep this thread from the fit's first pass.
        profiler = new FeatureProfiler(ds, scratch);
        setImmediate(profileNext);
        return;
      }
      if (m.type === 'passes') {
        // Until the fit says stop (its own errors handled: the fit then goes on alone).
        servePasses(m.setup, idleWork);
        return;
      }
      if (!ds || !profiler || !scratch) throw new Error('the reference thread was sent predictions before the data');
      if (m.type === 'predict') {
        // Rows [from, rows) of the training predictions (the main thread predicts the others):
        // each row's probability is computed alone, so the same numbers as one call over all rows.
        const rows = ds.rows - m.from;
        loadModel(m.doc).predictProba({ x: ds.x.map((c) => c.subarray(m.from, ds!.rows)), rows, ...(ds.levels ? { levels: ds.levels } : {}) }, m.prob.subarray(m.from, ds.rows));
        // The main thread computes the calibration once it has them.
        port.postMessage({ type: 'predicted' });
        return;
      }
      // Not the predictions as the sort's scratch (as one thread does): the main thread computes
      // their calibration meanwhile, and were this thread to fail half way, builds the reference
      // from them itself. The row profiles' pieces not made in idle time made now, if claimed.
      // The columns not yet profiled first (their sorts use the same scratch).
      const features = profiler.result();
      const reply: ReferenceReply = { type: 'done', features, prediction: referenceProfile(m.prob, scratch), ...(rows ? { rows: rows.result() } : {}) };
      port.postMessage(reply);
    } catch (err) {
      fail(err);
    }
  });
}
