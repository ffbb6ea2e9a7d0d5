/**
 * The champion/challenger comparison needs data neither model trained on that reflects today:
 * every `every`-th row of the newest batch (rows from `from` on) is held out of the challenger's
 * training. Deterministic, so re-running a run makes the same split.
 */
export function newestRowsHoldout(rows: number, from: number, every: number): Uint8Array {
  const mask = new Uint8Array(rows);
  for (let i = from; i < rows; i += every) mask[i] = 1;
  return mask;
}
