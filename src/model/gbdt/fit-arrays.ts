import { HIST_STRIDE } from './histogram.js';
import { EXP_TABLE_BYTES, fitKernel, writeExpTables, type FitKernel } from './fit-kernel.js';

/** A fit's arrays: views onto one memory (a WebAssembly memory when the kernel runs, shared when there is a helper thread). */
export interface FitArrays {
  n: number;
  p: number;
  /** Column-major bin matrix: bins[f·n + r]. */
  bins: Uint8Array;
  /** The rows of every leaf of the tree being grown, each leaf a contiguous run of positions. */
  rows: Int32Array;
  /** Right-hand rows of a partition, by position. */
  tmp: Int32Array;
  /** Gradient pairs by row index: gh[2r] = g, gh[2r + 1] = h. */
  gh: Float64Array;
  /** Gradient pairs gathered by position for a histogram (histogram.ts). */
  ordered: Float64Array;
  raw: Float64Array;
  y: Uint8Array;
  /** Histogram slots; the last one holds the helper's half of a histogram. */
  hists: Float64Array;
  histLength: number;
  /** (start, end, value) per leaf of the tree just grown. */
  leaves: Float64Array;
  /** The split being applied: goLeft[bin]. */
  goLeft: Uint8Array;
  /** The WebAssembly kernels over this memory; null when they could not be made (the JavaScript ones run). */
  kernel: FitKernel | null;
  /** Byte offset of fastExp's tables (the kernel's gradient pass). */
  tables: number;
  /** Two doubles the kernel writes a result to (the root's sums). */
  sums: Float64Array;
}

/** What sizes a fit's memory. */
export interface FitShape {
  n: number;
  p: number;
  /** Histogram slots besides the helper's. */
  slots: number;
  maxLeaves: number;
}

/** The memory behind FitArrays, as handed to the helper thread. */
export interface FitMemory {
  shape: FitShape;
  /** Set when the kernel runs: its memory (shared with the helper, or not). */
  wasm: WebAssembly.Memory | null;
  /** Otherwise a plain buffer (shared with the helper, or not). */
  buffer: ArrayBuffer | SharedArrayBuffer | null;
  pages: number;
  shared: boolean;
}

const PAGE = 65536;
/** A WebAssembly memory addresses at most 2^32 bytes. */
const MAX_PAGES = 65536;

/** Byte offsets of each array, 16-byte aligned (the kernel reads pairs as 16-byte vectors). */
function layout(s: FitShape): { offsets: Record<'bins' | 'rows' | 'tmp' | 'gh' | 'ordered' | 'raw' | 'y' | 'hists' | 'leaves' | 'goLeft' | 'tables' | 'sums', number>; bytes: number } {
  const { n, p } = s;
  const sizes = { gh: 16 * n, ordered: 16 * n, hists: 8 * p * HIST_STRIDE * (s.slots + 1), raw: 8 * n, rows: 4 * n, tmp: 4 * n, leaves: 8 * 3 * s.maxLeaves, bins: n * p, y: n, goLeft: 256, tables: EXP_TABLE_BYTES, sums: 16 };
  const offsets = {} as Record<keyof typeof sizes, number>;
  let at = 0;
  for (const [k, bytes] of Object.entries(sizes) as [keyof typeof sizes, number][]) {
    offsets[k] = at;
    at += Math.ceil(bytes / 16) * 16;
  }
  return { offsets, bytes: at };
}

/**
 * The memory of a fit of this shape: a WebAssembly memory for the kernel (shared when `shared`),
 * or — beyond its 4 GiB, or where WebAssembly is not available — a plain buffer.
 */
export function fitMemory(shape: FitShape, shared: boolean): FitMemory {
  const { bytes } = layout(shape);
  const pages = Math.max(1, Math.ceil(bytes / PAGE));
  if (pages <= MAX_PAGES) {
    try {
      const wasm = new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
      writeExpTables(wasm.buffer, layout(shape).offsets.tables);
      return { shape, wasm, buffer: null, pages, shared };
    } catch {
      // No WebAssembly memory of this size: the JavaScript kernel below.
    }
  }
  return { shape, wasm: null, buffer: shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes), pages, shared };
}

/** The arrays over a fit's memory (each thread makes its own views and kernel instance). */
export function arraysOf(m: FitMemory): FitArrays {
  const { n, p } = m.shape;
  const { offsets: o } = layout(m.shape);
  const buf = m.wasm ? m.wasm.buffer : m.buffer!;
  let kernel: FitKernel | null = null;
  if (m.wasm) {
    try {
      kernel = fitKernel(m.wasm, m.pages, m.shared);
    } catch {
      kernel = null;
    }
  }
  const histLength = p * HIST_STRIDE;
  return {
    n,
    p,
    histLength,
    bins: new Uint8Array(buf, o.bins, n * p),
    rows: new Int32Array(buf, o.rows, n),
    tmp: new Int32Array(buf, o.tmp, n),
    gh: new Float64Array(buf, o.gh, 2 * n),
    ordered: new Float64Array(buf, o.ordered, 2 * n),
    raw: new Float64Array(buf, o.raw, n),
    y: new Uint8Array(buf, o.y, n),
    hists: new Float64Array(buf, o.hists, histLength * (m.shape.slots + 1)),
    leaves: new Float64Array(buf, o.leaves, 3 * m.shape.maxLeaves),
    goLeft: new Uint8Array(buf, o.goLeft, 256),
    kernel,
    tables: o.tables,
    sums: new Float64Array(buf, o.sums, 2),
  };
}
