/**
 * The median of a benchmark's repeated timings (the middle value; the mean of the middle two for
 * an even count), the figure BENCHMARKS.md reports. The input is left as it is.
 */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
