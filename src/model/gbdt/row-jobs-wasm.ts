import { Body, F64, I32, type WasmFunction } from '../../util/wasm-encoder.js';
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
      // c = clamp(−raw[r]) (min/max keep NaN as the comparisons do)
      b.get(RAW).get(R).i32(3).i32Shl().i32Add().f64Load().f64Neg().f64(LIMIT).f64Min().f64(-LIMIT).f64Max().set(C);
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

export function rowJobFunctions(): WasmFunction[] {
  return [partition(), addLeaf(), gradients()];
}

export interface RowJobs {
  partition(rows: number, tmp: number, col: number, goLeft: number, a: number, b: number): number;
  addLeaf(rows: number, raw: number, s: number, e: number, v: number): void;
  gradients(raw: number, y: number, gh: number, tables: number, a: number, b: number): void;
}
