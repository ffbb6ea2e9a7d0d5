/**
 * Rows as CSV bytes for the shared row builder. Values are written the way a CSV export of the
 * same table would hold them, so the cell parsers decide exactly as they do for files: NULL → an
 * empty cell (missing), integers in full (BigInt: no rounding past 2^53), reals in shortest
 * round-trip form, text quoted when it needs to be.
 */
export function csvCell(v: unknown, column: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return /[",\r\n]/.test(v) || v === '' ? `"${v.replace(/"/g, '""')}"` : v;
  throw new Error(`column "${column}" holds a ${Buffer.isBuffer(v) ? 'BLOB' : typeof v} value, which riskwatch cannot map (expected integer, real, text or NULL)`);
}

export function csvHeader(columns: string[]): string {
  return columns.map((c) => csvCell(c, c)).join(',') + '\n';
}
