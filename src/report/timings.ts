import type { StepTimings } from '../contracts/api.js';
import type { CommandRecord } from '../store/types.js';
import { timingsSeconds } from '../store/command-timings.js';

export type { StepTimings };

/**
 * Timings of ingestion, training, scoring and the whole run, in seconds, as recorded by every
 * command and pipeline run (never by re-running anything). A step's samples come from the
 * command of that name and from the step inside `run`.
 */
export function stepTimings(runs: CommandRecord[]): Record<string, StepTimings> {
  const samples: Record<string, number[]> = { ingest: [], train: [], score: [], run: [] };
  for (const r of [...runs].sort((a, b) => a.id - b.id)) {
    if (r.status !== 'ok') continue;
    const t = timingsSeconds(r);
    if (r.command === 'run') {
      // Pipeline runs record each step and their total.
      for (const step of ['ingest', 'train', 'score'] as const) if (typeof t[step] === 'number') samples[step].push(t[step]);
      if (typeof t.total === 'number' && r.outcome !== 'noop') samples.run.push(t.total);
    } else if (r.command in samples && typeof t[r.command] === 'number') {
      samples[r.command].push(t[r.command]);
    }
  }
  const out: Record<string, StepTimings> = {};
  for (const [step, xs] of Object.entries(samples)) {
    if (!xs.length) continue;
    const sorted = [...xs].sort((a, b) => a - b);
    const q = (p: number) => {
      const pos = (sorted.length - 1) * p;
      const lo = Math.floor(pos);
      return sorted[lo] + (sorted[Math.ceil(pos)] - sorted[lo]) * (pos - lo);
    };
    let trend: StepTimings['trend'] = null;
    if (xs.length >= 10) {
      const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
      const recent = med(xs.slice(-5));
      const before = med(xs.slice(-10, -5));
      trend = recent > before * 1.2 ? 'slower' : recent < before / 1.2 ? 'faster' : 'stable';
    }
    out[step] = { last: xs[xs.length - 1], p50: q(0.5), p95: q(0.95), runs: xs.length, trend };
  }
  return out;
}
