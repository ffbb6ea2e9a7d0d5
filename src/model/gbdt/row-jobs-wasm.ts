import { Body, F64, I32, V128, type WasmFunction } from '../../util/wasm-encoder.js';
import { INV_STEP, LIMIT, ROUND, STEP_HI, STEP_LO } from '../sigmoid.js';

/**
 * row-jobs.ts's partition, leaf values and gradient pairs as WebAssembly functions over the fit's
 * memory (byte offsets): the same operations in the same order, so the same bits — no bounds
 * checks, no conversions. The gradient pass evaluates sigmoid.ts's fastExp step by step (its
 * tables at byte `tables`: 2^(j/64) for j < 64, then 2^k for k = −1024..1023).
 */

/** Bytes of fastExp's two tables in the fit's memory. */
export const EXP_TABLE_BYTES = (64 + 2048) * 8;

/** partition(rows, tmp, col, goLeft, a, b) → left count: partitionRange with `col` the feature's bin column. */
function partition(): WasmFunction {
  const [ROWS, TMP, COL, GO, A, B] = [0, 1, 2, 3, 4, 5];
  const [I, END, L, T, R, G] = [6, 7, 8, 9, 10, 11];
  const f = new Body();
  f.get(ROWS).get(A).i32(2).i32Shl().i32Add().tee(I).set(L);
  f.get(ROWS).get(B).i32(2).i32Shl().i32Add().set(END);
  f.get(TMP).get(A).i32(2).i32Shl().i32Add().set(T);
  f.loopUntil(
    (b) => b.get(I).get(END).i32GeU(),
    (b) => {
      b.get(I).i32Load().set(R);
      b.get(GO).get(COL).get(R).i32Add().i32Load8u().i32Add().i32Load8u().set(G);
      b.get(L).get(R).i32Store();
      b.get(T).get(R).i32Store();
      b.get(L).get(G).i32(2).i32Shl().i32Add().set(L);
      b.get(T).i32(4).i32Add().get(G).i32(2).i32Shl().i32Sub().set(T);
      b.get(I).i32(4).i32Add().set(I);
    },
  );
  f.get(L).get(ROWS).get(A).i32(2).i32Shl().i32Add().i32Sub().i32(2).i32ShrU();
  return { name: 'partition', params: [I32, I32, I32, I32, I32, I32], result: I32, locals: [I32, I32, I32, I32, I32, I32], body: f };
}

/** addLeaf(rows, raw, s, e, v): raw[rows[i]] += v for positions s ≤ i < e (one leaf of addLeaves). */
function addLeaf(): WasmFunction {
  const [ROWS, RAW, S, E, V] = [0, 1, 2, 3, 4];
  const [I, END, P] = [5, 6, 7];
  const f = new Body();
  f.get(ROWS).get(S).i32(2).i32Shl().i32Add().set(I);
  f.get(ROWS).get(E).i32(2).i32Shl().i32Add().set(END);
  f.loopUntil(
    (b) => b.get(I).get(END).i32GeU(),
    (b) => {
      b.get(RAW).get(I).i32Load().i32(3).i32Shl().i32Add().tee(P);
      b.get(P).f64Load().get(V).f64Add().f64Store();
      b.get(I).i32(4).i32Add().set(I);
    },
  );
  return { name: 'addLeaf', params: [I32, I32, I32, I32, F64], locals: [I32, I32, I32], body: f };
}

/**
 * gradients(raw, y, gh, tables, a, b): gradientsRange — p = 1 / (1 + fastExp(−raw[r])),
 * gh[2r] = p − y[r], gh[2r + 1] = p(1 − p) — with fastExp's operations as sigmoid.ts writes them.
 */
function gradients(): WasmFunction {
  const [RAW, Y, GH, TAB, A, B] = [0, 1, 2, 3, 4, 5];
  const [R, C, NF, N, X, P] = [6, 7, 8, 9, 10, 11];
  const f = new Body();
  f.get(A).set(R);
  f.loopUntil(
    (b) => b.get(R).get(B).i32GeU(),
    (b) => {
      // c = −raw[r] clamped as fastExp does: x > LIMIT ? LIMIT : x < −LIMIT ? −LIMIT : x
      b.get(RAW).get(R).i32(3).i32Shl().i32Add().f64Load().f64Neg().set(C);
      b.f64(LIMIT).f64(-LIMIT).get(C).get(C).f64(-LIMIT).f64Lt().select().get(C).f64(LIMIT).f64Gt().select().set(C);
      b.get(C).f64(INV_STEP).f64Mul().f64(ROUND).f64Add().f64(ROUND).f64Sub().tee(NF).i32TruncSatF64S().set(N);
      b.get(C).get(NF).f64(STEP_HI).f64Mul().f64Sub().get(NF).f64(STEP_LO).f64Mul().f64Sub().set(X);
      // 1 + r(1 + r(1/2 + r(1/6 + r(1/24 + r(1/120 + r/720)))))
      b.f64(1).get(X).f64(1).get(X).f64(0.5).get(X).f64(1 / 6).get(X).f64(1 / 24).get(X).f64(1 / 120).get(X).f64(1 / 720);
      for (let i = 0; i < 6; i++) b.f64Mul().f64Add();
      b.set(P);
      // e^x = 2^(j/64) · 2^k · poly; p = 1 / (1 + e^x)
      b.get(TAB).get(N).i32(63).i32And().i32(3).i32Shl().i32Add().f64Load();
      b.get(TAB).get(N).i32(6).i32ShrS().i32(1024).i32Add().i32(3).i32Shl().i32Add().f64Load(64 * 8);
      b.f64Mul().get(P).f64Mul().set(P);
      b.f64(1).f64(1).get(P).f64Add().f64Div().set(P);
      b.get(GH).get(R).i32(4).i32Shl().i32Add().tee(N);
      b.get(P).get(Y).get(R).i32Add().i32Load8u().f64ConvertI32U().f64Sub().f64Store();
      b.get(N).get(P).f64(1).get(P).f64Sub().f64Mul().f64Store(8);
      b.get(R).i32(1).i32Add().set(R);
    },
  );
  return { name: 'gradients', params: [I32, I32, I32, I32, I32, I32], locals: [I32, F64, F64, I32, F64, F64], body: f };
}

/** copy(dst, src, bytes): memmove (the partition's merge of halves). */
function copy(): WasmFunction {
  const f = new Body().get(0).get(1).get(2).memoryCopy();
  return { name: 'copy', params: [I32, I32, I32], locals: [], body: f };
}

/** zero(dst, bytes). */
function zero(): WasmFunction {
  const f = new Body().get(0).i32(0).get(1).memoryFill();
  return { name: 'zero', params: [I32, I32], locals: [], body: f };
}

/** iota(rows, n): rows[i] = i. */
function iota(): WasmFunction {
  const [ROWS, N, I] = [0, 1, 2];
  const f = new Body();
  f.loopUntil(
    (b) => b.get(I).get(N).i32GeU(),
    (b) => {
      b.get(ROWS).get(I).i32(2).i32Shl().i32Add().get(I).i32Store();
      b.get(I).i32(1).i32Add().set(I);
    },
  );
  return { name: 'iota', params: [I32, I32], locals: [I32], body: f };
}

/**
 * sumPairs(gh, n, out): the sums of g and of h over pairs 0..n−1 into out (two doubles). Each lane
 * of the f64x2 accumulator adds its values one after the other from 0, as `g += gh[2i]` does.
 */
function sumPairs(): WasmFunction {
  const [GH, N, OUT, P, END, ACC] = [0, 1, 2, 3, 4, 5];
  const f = new Body();
  f.get(GH).set(P).get(GH).get(N).i32(4).i32Shl().i32Add().set(END).v128Zero().set(ACC);
  f.loopUntil(
    (b) => b.get(P).get(END).i32GeU(),
    (b) => {
      b.get(ACC).get(P).v128Load().f64x2Add().set(ACC);
      b.get(P).i32(16).i32Add().set(P);
    },
  );
  f.get(OUT).get(ACC).v128Store();
  return { name: 'sumPairs', params: [I32, I32, I32], locals: [I32, I32, V128], body: f };
}

export function rowJobFunctions(): WasmFunction[] {
  return [partition(), addLeaf(), gradients(), copy(), zero(), iota(), sumPairs()];
}

export interface RowJobs {
  partition(rows: number, tmp: number, col: number, goLeft: number, a: number, b: number): number;
  addLeaf(rows: number, raw: number, s: number, e: number, v: number): void;
  gradients(raw: number, y: number, gh: number, tables: number, a: number, b: number): void;
  copy(dst: number, src: number, bytes: number): void;
  zero(dst: number, bytes: number): void;
  iota(rows: number, n: number): void;
  sumPairs(gh: number, n: number, out: number): void;
}
