/**
 * SIGTERM / SIGINT. A command that can stop cleanly (run) asks for `gracefulStop()`: the first
 * signal then aborts it between steps — it records why and releases its lock — and a second
 * exits at once. Every other command exits at once, which is safe: all writes are atomic.
 * Installed at start-up so a signal during a run never meets Node's default handler.
 */
const controller = new AbortController();
let graceful = false;

export function gracefulStop(): AbortSignal {
  graceful = true;
  return controller.signal;
}

/**
 * The graceful part is over (the command's work is done, it is closing down): a signal from now
 * on exits at once rather than aborting work that has already ended.
 */
export function gracefulDone(): void {
  graceful = false;
}

export function installStopHandlers(): void {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => {
      if (!graceful || controller.signal.aborted) process.exit(sig === 'SIGINT' ? 130 : 143);
      controller.abort(sig);
    });
  }
}
