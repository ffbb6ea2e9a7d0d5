/**
 * `predict --out`'s file format written out plainly — one string per row, the probability as
 * String() prints it, ids quoted (RFC 4180) and formula-looking ids neutralised — independent of
 * the buffer writer and of writeProbability: the reference the predict tests compare bytes with.
 */
export function referenceCsv(idColumn: string, rows: { id: string; probability: number; prediction: number }[]): string {
  const field = (s: string) => (/[",\r\n]|^[ \t]|[ \t]$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const lines = [`${field(idColumn)},probability,prediction`];
  for (const r of rows) {
    const id = /^[=+\-@\t\r]/.test(r.id) ? `'${r.id}` : r.id;
    lines.push(`${field(id)},${String(r.probability)},${r.prediction}`);
  }
  return lines.join('\n') + '\n';
}
