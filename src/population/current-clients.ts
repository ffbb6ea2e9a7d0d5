import { type Dataset } from '../data/dataset.js';
import { FNV_OFFSET } from '../data/row-hash.js';

/** Which rows of a table stand for the clients one can still call, and why the others do not. */
export interface CurrentClients {
  /** Row indices, one per current client, in table order (a client sits where its latest row is). */
  rows: Uint32Array;
  /** Distinct client ids in the table. */
  clients: number;
  /** Clients whose latest row says they left (label 1): not current. */
  left: number;
}

/**
 * The rule the call list ranks by: per client id its latest row — the last in table order, i.e.
 * the most recently ingested — and the client is current unless that row's label says it left
 * (1). A label of 0 or no label (NO_LABEL, a list without the column) is current. An older row
 * saying "stayed" does not bring back a client whose newest row says it left; a newer row saying
 * "stayed" after an old "left" is a client that came back (or was relabelled) and is current.
 *
 * One pass from the end with an open-addressing table over the id bytes: O(rows), no strings.
 */
export function currentClients(ds: Dataset): CurrentClients {
  const n = ds.rows;
  if (ds.ids.length !== n) throw new Error('currentClients needs the ids of every row');
  let size = 16;
  while (size < n * 2) size *= 2;
  const mask = size - 1;
  const slots = new Int32Array(size).fill(-1);
  const latest = new Uint8Array(n);
  let clients = 0;
  let left = 0;
  for (let i = n - 1; i >= 0; i--) {
    let h = ds.ids.hash(i, FNV_OFFSET) & mask;
    for (;;) {
      const at = slots[h];
      if (at < 0) {
        slots[h] = i;
        clients++;
        if (ds.y[i] === 1) left++;
        else latest[i] = 1;
        break;
      }
      if (ds.ids.equals(at, i)) break; // a newer row of this client was seen already
      h = (h + 1) & mask;
    }
  }
  const rows = new Uint32Array(clients - left);
  for (let i = 0, k = 0; i < n; i++) if (latest[i]) rows[k++] = i;
  return { rows, clients, left };
}
