import { dependencyHealth, type DependencyHealth } from '../index.js';
/**
 * Results computed at most once per key; a new key replaces the old result. `ttlMs` bounds how
 * long a result is trusted when the key cannot see every change (test data edited in place).
 */
export class KeyedCache<T> {
  private entry: { key: string; at: number; value: Promise<T> } | undefined;
  constructor(private readonly ttlMs = Infinity) {}
  get(key: string, compute: () => Promise<T>): Promise<T> {
    const e = this.entry;
    if (e && e.key === key && Date.now() - e.at < this.ttlMs) return e.value;
    const value = compute();
    this.entry = { key, at: Date.now(), value };
    value.catch(() => {
      if (this.entry?.value === value) this.entry = undefined; // a failure is not cached
    });
    return value;
  }
}

/** Dependency health is slow (npm outdated + audit over the network): checked once an hour at most, in the background. */
export function dependencyCache(timeoutMs = 15_000, ttlMs = 3_600_000): () => Promise<DependencyHealth> {
  const cache = new KeyedCache<DependencyHealth>(ttlMs);
  return () => cache.get('deps', () => dependencyHealth({ timeoutMs }));
}
