import type { Worker } from 'node:worker_threads';
import { selectRows, type Dataset } from '../data/dataset.js';
import { IdColumn } from '../data/id-column.js';
import { sigmoid } from './sigmoid.js';
import { assembleReference, calibration, featureProfiles, predictionProfiles, rowProfiles, type ModelReference } from '../stats/reference.js';
import { medianNonMissing, SortScratch, type SortBuffers } from '../stats/sorted.js';
import { allMedians, medianQueue, type MedianQueue } from '../stats/median-queue.js';
import { findWorkerFile, tryStartWorker } from '../util/worker-file.js';
import type { ReferenceReply, ReferenceRequest } from './reference-worker.js';
import { ROWS_BY } from '../stats/row-profiler.js';
import type { PassHelper, SharedPass } from './logistic/pass-threads.js';
import type { ModelDocument } from '../contracts/model-document.js';
import type { FittedModel } from './fitted-model.js';

/** The worker file bundled beside the CLI (scripts/build.mjs), or beside this module (tsc .js, tsx .ts). */
function workerFile(): URL | undefined {
  return findWorkerFile(import.meta.url, ['./reference-worker.mjs', '../reference-worker.mjs', './reference-worker.js', './reference-worker.ts']);
}

/** A typed array over shared memory: the array itself when it already is, else a copy. */
function shared<T extends Float64Array | Uint8Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const copy = (a instanceof Float64Array ? new Float64Array(new SharedArrayBuffer(a.byteLength)) : new Uint8Array(new SharedArrayBuffer(a.byteLength))) as T;
  copy.set(a);
  return copy;
}

/**
 * A model version's drift reference (stats/reference.ts), built beside the training: `start` boots
 * a thread (before the dataset is read: it loads meanwhile); `profile` hands it the training rows,
 * whose columns it profiles while this thread fits the model; `finish` sends the model's predictions
 * (profiled there while this thread counts the rows' categories and stayers) and resolves with the
 * whole reference. Without a thread (no worker file, or it failed) the same
 * functions run here, in `finish`, as they always did: the same reference either way.
 */
export class ReferenceBuilder implements PassHelper {
  private ds: Dataset | undefined;
  private reply: Promise<ReferenceReply> | undefined;
  /** Resolves once the thread has predicted its rows (`predict`), never if it fails (then `reply` does, with the error). */
  private predicted: Promise<void> | undefined;
  /** The rows the thread was asked to predict (from `from` on), with the model: predicted here if it fails. */
  private split: { model: FittedModel; from: number } | undefined;
  /** Who makes the row profiles (reference-worker.ts ROWS_BY): the thread, in idle time during the fit, or this one in `finish`. */
  private readonly rowsBy = new Int32Array(new SharedArrayBuffer(4));
  /** The training medians, shared out with the thread (`profile`'s `medians`). */
  private medianWork: MedianQueue | undefined;

  private constructor(private worker: Worker | undefined) {
    if (!worker) return;
    let predicted: () => void;
    this.predicted = new Promise<void>((resolve) => (predicted = resolve));
    this.reply = new Promise<ReferenceReply>((resolve) => {
      worker.on('message', (m: ReferenceReply | { type: 'predicted' }) => (m.type === 'predicted' ? predicted() : resolve(m)));
      worker.once('error', (err) => resolve({ type: 'error', message: err.message }));
      worker.once('exit', (code) => resolve({ type: 'error', message: `the reference thread exited (code ${code})` }));
    });
  }

  /** `threaded` false: built on this thread alone. */
  static start(threaded: boolean): ReferenceBuilder {
    return new ReferenceBuilder(tryStartWorker(threaded ? workerFile() : undefined));
  }

  /** Whether a thread builds it (the dataset is then best read into shared memory). */
  get threaded(): boolean {
    return this.worker !== undefined;
  }

  /**
   * The training rows (columns over shared memory are shared as they are; others copied into it).
   * `oneHot`: a one-hot logistic fit will offer its passes — the thread makes its pass kernel
   * first, for V8 to compile while it profiles the columns. `medians`: the columns whose training
   * medians `medians` will be asked for — the thread computes some of them first.
   */
  profile(ds: Dataset, opts: { oneHot?: boolean; medians?: readonly number[] } = {}): void {
    this.ds = ds;
    if (!this.worker) return;
    if (opts.medians) this.medianWork = medianQueue(ds.features.length, opts.medians);
    const req: ReferenceRequest = { type: 'data', features: ds.features, rows: ds.rows, x: ds.x.map((c) => shared(c.subarray(0, ds.rows))), y: shared(ds.y.subarray(0, ds.rows)), levels: ds.levels, ...(opts.oneHot ? { oneHot: true } : {}), ...(this.medianWork ? { medians: this.medianWork } : {}), rowsBy: this.rowsBy };
    this.worker.postMessage(req);
  }

  /**
   * Per column of the dataset `profile` was given: the median of its non-missing values
   * (medianNonMissing) for the columns `cols` (those `profile` named), NaN for the others. With
   * the thread, this thread and it take the columns one at a time until all are done (the same
   * function on either thread, so the same numbers); without, all here.
   */
  medians(cols: readonly number[], buffers: SortBuffers): Float64Array {
    const ds = this.ds;
    if (!ds) throw new Error('ReferenceBuilder.medians before profile');
    if (this.medianWork) return allMedians(ds.x, this.medianWork, buffers);
    const out = new Float64Array(ds.features.length).fill(Number.NaN);
    for (const j of cols) out[j] = medianNonMissing(ds.x[j], buffers);
    return out;
  }

  /**
   * The logistic fit's passes over all rows (logistic/pass-threads.ts): the thread takes their
   * levels' half once it has profiled the columns, until the fit is over.
   */
  offer(setup: SharedPass): void {
    this.worker?.postMessage({ type: 'passes', setup } satisfies ReferenceRequest);
  }

  /**
   * The training rows' predictions by `model` (the document `doc`), which `finish` is then given.
   * With the thread, in shared memory, it predicts the later half meanwhile: each row's
   * probability is computed alone, so these are the numbers of one call over all rows.
   */
  predict(doc: ModelDocument, model: FittedModel): Float64Array {
    const ds = this.ds;
    if (!ds) throw new Error('ReferenceBuilder.predict before profile');
    if (!this.worker) return model.predictProba(ds, new Float64Array(ds.rows));
    const prob = new Float64Array(new SharedArrayBuffer(ds.rows * 8));
    const from = ds.rows >> 1;
    this.worker.postMessage({ type: 'predict', doc, from, prob } satisfies ReferenceRequest);
    this.split = { model, from };
    model.predictProba({ x: ds.x.map((c) => c.subarray(0, from)), rows: from, ...(ds.levels ? { levels: ds.levels } : {}) }, prob.subarray(0, from));
    return prob;
  }

  /**
   * The training rows' predictions from the log-odds a fit summed for them (`scores`; a NaN row
   * is predicted here by `model`, made only then): 1 / (1 + e^−s) as GbdtPredictor computes it,
   * so the numbers `predict` would give.
   */
  predictUnfitted(scores: Float64Array, model: () => FittedModel): Float64Array {
    const ds = this.ds;
    if (!ds) throw new Error('ReferenceBuilder.predictUnfitted before profile');
    const prob = new Float64Array(ds.rows);
    const rest = new Uint8Array(ds.rows);
    let others = 0;
    for (let i = 0; i < ds.rows; i++) {
      const s = scores[i];
      if (s === s) prob[i] = sigmoid(s);
      else others += rest[i] = 1;
    }
    if (others === 0) return prob;
    const sub = selectRows({ ...ds, ids: new IdColumn(0), rows: ds.rows }, rest, 1);
    const p = model().predictProba(sub);
    for (let i = 0, k = 0; i < ds.rows; i++) if (rest[i]) prob[i] = p[k++];
    return prob;
  }

  /** The reference of `version`; `prob` (the training rows' predictions) may be overwritten. */
  async finish(version: string, prob: Float64Array): Promise<ModelReference> {
    const ds = this.ds;
    if (!ds) throw new Error('ReferenceBuilder.finish before profile');
    let rows: ReturnType<typeof rowProfiles> | undefined;
    if (this.worker && this.reply) {
      this.worker.postMessage({ type: 'prob', prob: shared(prob) } satisfies ReferenceRequest);
      // While the thread sorts the predictions: their calibration here, and the row profiles
      // unless the thread has taken them up in idle time during the fit (made there before the
      // fit, they would keep it from the fit's first pass).
      if (Atomics.compareExchange(this.rowsBy, 0, ROWS_BY.none, ROWS_BY.main) === ROWS_BY.none) rows = rowProfiles(ds);
      // The calibration reads every prediction: the thread's first, when it makes some (the reply
      // comes instead if it fails).
      const predicted = !this.split || (await Promise.race([this.predicted!.then(() => true), this.reply.then(() => false)]));
      const cal = predicted ? calibration(ds.y, prob) : undefined;
      const r = await this.reply;
      this.close();
      if (r.type === 'done' && cal) return assembleReference(version, ds.rows, { features: r.features, ...(rows ?? r.rows ?? rowProfiles(ds)) }, { prediction: r.prediction, calibration: cal });
      // Fall through: the same reference computed here (with the thread's predictions, which it may not have made).
      if (this.split) {
        const { model, from } = this.split;
        model.predictProba({ x: ds.x.map((c) => c.subarray(from, ds.rows)), rows: ds.rows - from, ...(ds.levels ? { levels: ds.levels } : {}) }, prob.subarray(from, ds.rows));
      }
    }
    const scratch = new SortScratch(ds.rows);
    const data = { features: featureProfiles(ds, scratch), ...(rows ?? rowProfiles(ds)) };
    return assembleReference(version, ds.rows, data, predictionProfiles(ds.y, prob, { out: scratch.out, tmp: prob }));
  }

  /** Ends the thread (training failed, or was not needed). */
  close(): void {
    if (!this.worker) return;
    void this.worker.terminate().catch(() => {});
    this.worker = undefined;
  }
}
