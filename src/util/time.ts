/** Wall-clock milliseconds of an async step, for the run's timings. */
export async function timed<T>(timings: Record<string, number>, step: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    timings[step] = Math.round((performance.now() - t0) * 1000) / 1000;
  }
}

export function nowIso(): string {
  return new Date().toISOString();
}
