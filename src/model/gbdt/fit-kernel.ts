import { encodeModule } from '../../util/wasm-encoder.js';
import { POW2_FRAC, POW2_INT } from '../sigmoid.js';
import { histogramFunctions, type GroupPass, type HistogramKernel } from './histogram-wasm.js';
import { EXP_TABLE_BYTES, rowJobFunctions, type RowJobs } from './row-jobs-wasm.js';

export { EXP_TABLE_BYTES };

/** A fit's WebAssembly kernels, instantiated over its memory (each thread has its own instance). */
export interface FitKernel extends HistogramKernel {
  jobs: RowJobs;
}

/** The module's bytes for a memory of `pages` (shared between threads or not). */
export function fitModule(pages: number, shared: boolean): Uint8Array<ArrayBuffer> {
  return encodeModule([...histogramFunctions(), ...rowJobFunctions()], { minPages: pages, maxPages: pages, shared });
}

/** fastExp's tables (sigmoid.ts) into the memory at byte `at`, where the gradient pass reads them. */
export function writeExpTables(buffer: ArrayBufferLike, at: number): void {
  const t = new Float64Array(buffer, at, EXP_TABLE_BYTES / 8);
  t.set(POW2_FRAC);
  t.set(POW2_INT, POW2_FRAC.length);
}

export function fitKernel(memory: WebAssembly.Memory, pages: number, shared: boolean): FitKernel {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(fitModule(pages, shared)), { env: { memory } });
  const e = instance.exports as Record<string, GroupPass> & RowJobs;
  return { zero: e.zero, pass: (variant, width) => e[`${variant}${width}`], jobs: { partition: e.partition, addLeaf: e.addLeaf, gradients: e.gradients, copy: e.copy, zero: e.zero, iota: e.iota, sumPairs: e.sumPairs } };
}
