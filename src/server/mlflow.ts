/**
 * MLflow scoring-server request formats, turned into riskwatch's `{records:[...]}` so clients
 * written for MLflow serving work unchanged: `dataframe_split` ({columns, data}), `dataframe_records`
 * ([{col: value}]), `instances` / `inputs` (a list of records, or of rows when `columns` are implied
 * by the model's features). The answer is MLflow's `{predictions:[...]}` (probabilities).
 */
export type Converted = { ok: true; body: { records: Array<Record<string, unknown>> } } | { ok: false; message: string };

export function fromMlflow(body: unknown, features: string[]): Converted {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, message: 'expected a JSON object with dataframe_split, dataframe_records, instances or inputs' };
  const b = body as Record<string, unknown>;
  if (b.dataframe_split !== undefined) {
    const s = b.dataframe_split as { columns?: unknown; data?: unknown };
    if (!s || !Array.isArray(s.columns) || !Array.isArray(s.data)) return { ok: false, message: 'dataframe_split: expected {columns:[...], data:[[...]]}' };
    const cols = s.columns.map(String);
    const records: Array<Record<string, unknown>> = [];
    for (const [i, row] of s.data.entries()) {
      if (!Array.isArray(row) || row.length !== cols.length) return { ok: false, message: `dataframe_split: row ${i} has ${Array.isArray(row) ? row.length : 'no'} values, expected ${cols.length}` };
      records.push(Object.fromEntries(cols.map((c, j) => [c, row[j]])));
    }
    return { ok: true, body: { records } };
  }
  const list = b.dataframe_records ?? b.instances ?? b.inputs;
  if (list === undefined) return { ok: false, message: 'expected one of dataframe_split, dataframe_records, instances, inputs' };
  if (!Array.isArray(list)) return { ok: false, message: 'expected a list of records' };
  const records = list.map((r) => (Array.isArray(r) ? Object.fromEntries(features.map((f, j) => [f, r[j]])) : (r as Record<string, unknown>)));
  return { ok: true, body: { records } };
}
