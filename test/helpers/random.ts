// Deterministic pseudo-random numbers (mulberry32), so a failing generated case can be reproduced.

/** 32-bit unsigned integers. */
export function rngUint32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform numbers in [0, 1). */
export function rng(seed: number): () => number {
  const next = rngUint32(seed);
  return () => next() / 4294967296;
}
