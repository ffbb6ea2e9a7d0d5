/**
 * A small WebAssembly binary encoder: enough to write numeric kernels as code (no binary file in
 * the repository, nothing downloaded, no build step) — one imported memory, functions over i32,
 * f64 and v128 locals, exported by name. Instructions are written as bytes through `Body`, whose
 * helpers name the opcodes used (WebAssembly core spec 2.0, binary format; SIMD proposal as
 * shipped in Node 16+).
 */

export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F64 | typeof V128;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** One function's instructions; the methods append and return `this`. */
export class Body {
  readonly bytes: number[] = [];

  op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  get(i: number): this {
    return this.op(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.op(0x21, ...uleb(i));
  }
  tee(i: number): this {
    return this.op(0x22, ...uleb(i));
  }
  i32(v: number): this {
    return this.op(0x41, ...sleb(v | 0));
  }
  f64(v: number): this {
    const b = new Uint8Array(new Float64Array([v]).buffer);
    return this.op(0x44, ...b);
  }
  /** A memory access: opcode (with 0xfd prefix for SIMD), alignment exponent, constant offset. */
  private mem(code: number[], align: number, offset: number): this {
    return this.op(...code, ...uleb(align), ...uleb(offset));
  }
  i32Load(offset = 0): this {
    return this.mem([0x28], 2, offset);
  }
  i32Load8u(offset = 0): this {
    return this.mem([0x2d], 0, offset);
  }
  i32Store(offset = 0): this {
    return this.mem([0x36], 2, offset);
  }
  f64Load(offset = 0): this {
    return this.mem([0x2b], 3, offset);
  }
  f64Store(offset = 0): this {
    return this.mem([0x39], 3, offset);
  }
  v128Load(offset = 0): this {
    return this.mem([0xfd, ...uleb(0x00)], 0, offset);
  }
  v128Store(offset = 0): this {
    return this.mem([0xfd, ...uleb(0x0b)], 0, offset);
  }
  f64x2Add(): this {
    return this.op(0xfd, ...uleb(0xf0));
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32Shl(): this {
    return this.op(0x74);
  }
  i32And(): this {
    return this.op(0x71);
  }
  i32ShrS(): this {
    return this.op(0x75);
  }
  i32ShrU(): this {
    return this.op(0x76);
  }
  i32GeU(): this {
    return this.op(0x4f);
  }
  f64Add(): this {
    return this.op(0xa0);
  }
  f64Sub(): this {
    return this.op(0xa1);
  }
  f64Mul(): this {
    return this.op(0xa2);
  }
  f64Div(): this {
    return this.op(0xa3);
  }
  f64Min(): this {
    return this.op(0xa4);
  }
  f64Max(): this {
    return this.op(0xa5);
  }
  f64Neg(): this {
    return this.op(0x9a);
  }
  /** u8/u32 → f64. */
  f64ConvertI32U(): this {
    return this.op(0xb8);
  }
  f64Gt(): this {
    return this.op(0x64);
  }
  f64Lt(): this {
    return this.op(0x63);
  }
  /** (a, b, cond) → cond ? a : b. */
  select(): this {
    return this.op(0x1b);
  }
  i32LtU(): this {
    return this.op(0x49);
  }
  /** (dst, src, bytes): memmove within the memory. */
  memoryCopy(): this {
    return this.op(0xfc, 0x0a, 0x00, 0x00);
  }
  /** (dst, byte, bytes). */
  memoryFill(): this {
    return this.op(0xfc, 0x0b, 0x00);
  }
  v128Zero(): this {
    return this.op(0xfd, ...uleb(0x0c), ...new Array<number>(16).fill(0));
  }
  /** JavaScript's `x | 0` for |x| < 2^31 (NaN → 0, where i32.trunc_f64_s would trap). */
  i32TruncSatF64S(): this {
    return this.op(0xfc, 0x02);
  }
  block(): this {
    return this.op(0x02, 0x40);
  }
  loop(): this {
    return this.op(0x03, 0x40);
  }
  end(): this {
    return this.op(0x0b);
  }
  br(depth: number): this {
    return this.op(0x0c, ...uleb(depth));
  }
  brIf(depth: number): this {
    return this.op(0x0d, ...uleb(depth));
  }
  /**
   * `while (cond) body`: cond pushes 1 to leave. Emits block/loop with the exit test first;
   * inside `body` the loop is depth 0 and the block depth 1.
   */
  loopUntil(exit: (b: this) => void, body: (b: this) => void): this {
    this.block().loop();
    exit(this);
    this.brIf(1);
    body(this);
    return this.br(0).end().end();
  }
}

export interface WasmFunction {
  name: string;
  params: ValType[];
  /** The result, if any. */
  result?: ValType;
  /** Extra locals after the parameters. */
  locals: ValType[];
  body: Body;
}

/**
 * A module importing `env.memory` (shared or not; `maxPages` of 64 KiB) and exporting the
 * functions (each returns at most one value).
 */
export function encodeModule(fns: readonly WasmFunction[], memory: { minPages: number; maxPages: number; shared: boolean }): Uint8Array<ArrayBuffer> {
  const types = vec(fns.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...(f.result ? [1, f.result] : [0])]));
  const limits = [memory.shared ? 0x03 : 0x01, ...uleb(memory.minPages), ...uleb(memory.maxPages)];
  const imports = vec([[...name('env'), ...name('memory'), 0x02, ...limits]]);
  const funcs = vec(fns.map((_, i) => uleb(i)));
  const exports = vec(fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]));
  const code = vec(
    fns.map((f) => {
      const locals = vec(f.locals.map((t) => [1, t]));
      const body = [...locals, ...f.body.bytes, 0x0b];
      return [...uleb(body.length), ...body];
    }),
  );
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...section(1, types), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, code)]);
}
