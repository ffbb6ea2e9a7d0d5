import type { ServerResponse } from 'node:http';

/**
 * The requests being answered, and a wait until none is: background work (the start-up warm-up's
 * summaries) gives way to them instead of taking the event loop from an answer being written or
 * sent (GET /risk?explain for 10,000 clients is ~7 MB).
 */
export class RequestsUnderWay {
  private count = 0;
  private waiters: Array<() => void> = [];

  /** A request begins; it ends when its response closes (sent, or the connection gone). */
  begin(res: ServerResponse): void {
    this.count++;
    res.once('close', () => {
      if (--this.count > 0) return;
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    });
  }

  /** Resolves once no request is under way (at once when none is), or after `maxMs` at most. */
  none(maxMs = 2_000): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, maxMs);
      timer.unref();
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
