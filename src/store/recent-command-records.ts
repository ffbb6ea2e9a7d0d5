import { showCommandRecord, type ShownCommandRecord } from './command-timings.js';
import type { Store } from './types.js';

/** `runs --json` and GET /runs: the newest `limit` command records, newest first, as shown to clients. */
export async function recentCommandRecords(store: Store, limit = 100): Promise<{ runs: ShownCommandRecord[] }> {
  return { runs: (await store.commandRecords(limit)).map(showCommandRecord) };
}
