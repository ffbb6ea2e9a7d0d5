import { createRequire } from 'node:module';
import type cliProgressTypes from 'cli-progress';

// Loaded only when a bar is actually drawn (a terminal, work over ~1 s).
const require = createRequire(import.meta.url);

export interface Progress {
  start(total: number, label: string): void;
  update(value: number): void;
  stop(): void;
}

/** No-op progress for pipes, tests and --json. */
export const noProgress: Progress = { start() {}, update() {}, stop() {} };

/**
 * A progress bar on stderr, only when stderr is a terminal and only once work has run for ~1 s,
 * so quick commands stay quiet.
 */
export function terminalProgress(): Progress {
  if (!process.stderr.isTTY) return noProgress;
  let bar: cliProgressTypes.SingleBar | null = null;
  let startedAt = 0;
  let total = 0;
  let label = '';
  let last = 0;
  return {
    start(t, l) {
      total = t;
      label = l;
      startedAt = Date.now();
      last = 0;
    },
    update(v) {
      last = v;
      if (!bar && Date.now() - startedAt > 1000) {
        const cliProgress = require('cli-progress') as typeof cliProgressTypes;
        bar = new cliProgress.SingleBar({ stream: process.stderr, format: `${label} [{bar}] {percentage}% | {eta_formatted} left`, hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(total, last);
      }
      bar?.update(v);
    },
    stop() {
      bar?.update(total);
      bar?.stop();
      bar = null;
    },
  };
}
