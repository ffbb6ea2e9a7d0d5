/** Byte values and small cell readers shared by the CSV fast path's loops (fast-row-seed.ts, fast-row-any.ts). */

import { FNV_PRIME } from './row-hash.js';

export const COMMA = 44;
export const DOT = 46;
export const ZERO = 48;
export const SPACE = 32;
export const TAB = 9;
export const MINUS = 45;
export const LF = 10;
export const CR = 13;
export const QUOTE = 34;
/** Digits a count may have here: below 2^53 for certain; longer ones go the general way. */
export const MAX_DIGITS = 15;
/** 10^k, exact for k ≤ 22 (a number cell has at most MAX_DIGITS digits after its point). */
export const POW10 = Float64Array.from({ length: MAX_DIGITS + 1 }, (_, k) => Number(`1e${k}`));
/** A float's bits, for the row hash (as hashRowTail takes them). */
export const BITS = new Float64Array(1);
export const WORDS = new Uint32Array(BITS.buffer);

/** hashRowTail's step for a numeric value (count or number). */
export function mixValue(h: number, v: number): number {
  if ((v | 0) === v) return Math.imul(Math.imul(h ^ v, FNV_PRIME) ^ 0x5bd1e995, FNV_PRIME);
  BITS[0] = v;
  return Math.imul(Math.imul(h ^ WORDS[0], FNV_PRIME) ^ WORDS[1], FNV_PRIME);
}

/** Where a label cell starting at p ends: at the first comma, line break or quote (a quote: the general path's). */
export function labelEnd(data: Buffer, p: number, len: number): number {
  while (p < len) {
    const ch = data[p];
    if (ch === COMMA || ch === LF || ch === CR || ch === QUOTE) break;
    p++;
  }
  return p;
}

/** 1 when bytes [s, e) are `positive`, 0 when `negative`, else -1 (the general path trims and decides). */
export function labelAt(data: Buffer, s: number, e: number, positive: Uint8Array, negative: Uint8Array): number {
  const n = e - s;
  if (n === positive.length && sameBytes(data, s, positive)) return 1;
  if (n === negative.length && sameBytes(data, s, negative)) return 0;
  return -1;
}

function sameBytes(data: Buffer, s: number, want: Uint8Array): boolean {
  for (let i = 0; i < want.length; i++) if (data[s + i] !== want[i]) return false;
  return true;
}
