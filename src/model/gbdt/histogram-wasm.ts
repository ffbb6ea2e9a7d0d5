import { Body, I32, V128, type WasmFunction } from '../../util/wasm-encoder.js';

/**
 * The histogram kernel as WebAssembly (histogram.ts says what it computes). In JavaScript each
 * update of a Float64Array slot is a bounds-checked load and store per value; here one row's
 * (g, h) pair is added to a feature's bin as one f64x2 addition — lane by lane the same IEEE
 * additions in the same order as the scalar code, so the sums are bit for bit the same — and its
 * count as one f64 addition. All arrays live in one WebAssembly memory (FitArrays' views onto it),
 * addressed by byte offset.
 */

/** Bytes between two features' histograms (256 bins of G, H, count). */
const FEATURE_BYTES = 256 * 3 * 8;
/** Most features one pass over the rows serves. */
export const MAX_GROUP = 5;

/** How a pass finds each row and its gradient pair. */
type Variant = 'identity' | 'ordered' | 'gather';

/**
 * params (hist, bins, n, rows, pairs, a, b, gh): add the rows at positions [a, b) to the
 * histograms of `width` consecutive features, the first at byte `hist`, its bin column at byte
 * `bins` (the next ones n bytes further).
 * - identity: the row at position k is k; its pair at pairs + 16k.
 * - ordered: the row is the int32 at rows + 4k; its pair at pairs + 16k (gathered by position).
 * - gather: the row is at rows + 4k, its pair at gh + 16·row, copied to pairs + 16k on the way
 *   (the first pass of a node gathers for the later ones).
 */
function groupPass(width: number, variant: Variant): WasmFunction {
  const [HIST, BINS, N, ROWS, PAIRS, A, B, GH] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [K, END, PP, R, PAIR, S] = [8, 9, 10, 11, 12, 13];
  const COL = 14; // COL + j: byte of feature j's column
  const f = new Body();
  for (let j = 0; j < width; j++) f.get(BINS).get(N).i32(j).i32Mul().i32Add().set(COL + j);
  f.get(PAIRS).get(A).i32(4).i32Shl().i32Add().set(PP);
  if (variant === 'identity') f.get(A).set(K).get(B).set(END);
  else f.get(ROWS).get(A).i32(2).i32Shl().i32Add().set(K).get(ROWS).get(B).i32(2).i32Shl().i32Add().set(END);
  f.loopUntil(
    (b) => b.get(K).get(END).i32GeU(),
    (b) => {
      if (variant === 'identity') b.get(K).set(R);
      else b.get(K).i32Load().set(R);
      if (variant === 'gather') b.get(PP).get(GH).get(R).i32(4).i32Shl().i32Add().v128Load().tee(PAIR).v128Store();
      else b.get(PP).v128Load().set(PAIR);
      for (let j = 0; j < width; j++) {
        const o = j * FEATURE_BYTES;
        b.get(HIST).get(COL + j).get(R).i32Add().i32Load8u().i32(24).i32Mul().i32Add().tee(S);
        b.get(S).v128Load(o).get(PAIR).f64x2Add().v128Store(o);
        b.get(S).get(S).f64Load(o + 16).f64(1).f64Add().f64Store(o + 16);
      }
      b.get(K).i32(variant === 'identity' ? 1 : 4).i32Add().set(K);
      b.get(PP).i32(16).i32Add().set(PP);
    },
  );
  return { name: `${variant}${width}`, params: [I32, I32, I32, I32, I32, I32, I32, I32], locals: [I32, I32, I32, I32, V128, I32, ...Array<typeof I32>(width).fill(I32)], body: f };
}

/** One pass over [a, b) for `width` features (1 ≤ width ≤ MAX_GROUP). */
export type GroupPass = (hist: number, bins: number, n: number, rows: number, pairs: number, a: number, b: number, gh: number) => void;

export interface HistogramKernel {
  pass(variant: Variant, width: number): GroupPass;
  /** Zeroes `bytes` bytes from byte `dst`. */
  zero(dst: number, bytes: number): void;
}

/** Every pass, each exported as variant + width ("gather5"). */
export function histogramFunctions(): WasmFunction[] {
  const fns: WasmFunction[] = [];
  for (const v of ['identity', 'ordered', 'gather'] as const) for (let w = 1; w <= MAX_GROUP; w++) fns.push(groupPass(w, v));
  return fns;
}

/** p features in passes of at most MAX_GROUP, as even as can be (13: 5, 4, 4). */
export function groupWidths(p: number, max = MAX_GROUP): number[] {
  const passes = Math.ceil(p / max);
  return Array.from({ length: passes }, (_, i) => Math.floor(p / passes) + (i < p % passes ? 1 : 0));
}

/**
 * histogram.ts's buildRange by the kernel: the same sums, bit for bit. Every array is a view onto
 * the kernel's memory. The first pass of a node that is not the root gathers its rows' gradient
 * pairs by position as it goes; the later passes read them from there.
 */
export function buildRangeWasm(k: HistogramKernel, hist: Float64Array, bins: Uint8Array, n: number, p: number, rows: Int32Array, gh: Float64Array, ordered: Float64Array, a: number, b: number, identity: boolean): void {
  k.zero(hist.byteOffset, hist.byteLength);
  let f = 0;
  for (const w of groupWidths(p)) {
    const variant = identity ? 'identity' : f === 0 ? 'gather' : 'ordered';
    k.pass(variant, w)(hist.byteOffset + f * FEATURE_BYTES, bins.byteOffset + f * n, n, rows.byteOffset, identity ? gh.byteOffset : ordered.byteOffset, a, b, gh.byteOffset);
    f += w;
  }
}
