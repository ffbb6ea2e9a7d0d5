/**
 * MLflow scoring-server request formats, turned into riskwatch's `{records:[...]}` so clients
 * written for MLflow serving work unchanged: `dataframe_split` ({columns, data}), `dataframe_records`
 * ([{col: value}]), `instances` / `inputs` (a list of records, or of rows when `columns` are implied
 * by the model's features). The answer is MLflow's `{predictions:[...]}` (probabilities); errors
 * are MLflow's `{error_code, message}`.
 */
export type Converted = { ok: true; body: { records: Array<Record<string, unknown>> } } | { ok: false; code: MlflowErrorCode; message: string };

/**
 * The error codes MLflow's scoring server answers with (mlflow.protos.databricks_pb2.ErrorCode):
 * a body that is not JSON is MALFORMED_REQUEST, JSON that is not a valid input BAD_REQUEST, a
 * `params` the model cannot take INVALID_PARAMETER_VALUE.
 */
export type MlflowErrorCode = 'MALFORMED_REQUEST' | 'BAD_REQUEST' | 'INVALID_PARAMETER_VALUE' | 'TEMPORARILY_UNAVAILABLE' | 'INTERNAL_ERROR';

/** The MLflow error code for an error answer of /invocations with this status (when the route did not pick one). */
export function mlflowCodeOf(status: number, malformed: boolean): MlflowErrorCode {
  if (malformed) return 'MALFORMED_REQUEST';
  if (status === 503) return 'TEMPORARILY_UNAVAILABLE';
  return status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
}

const INPUT_FIELDS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'];
const SHOWN = 10;

const bad = (message: string): Converted => ({ ok: false, code: 'BAD_REQUEST', message });
const quoted = (names: string[]) => names.slice(0, SHOWN).map((n) => JSON.stringify(n)).join(', ') + (names.length > SHOWN ? ` and ${names.length - SHOWN} more` : '');

/**
 * `known`: the columns a record may hold (id, features, label) — dataframe_split's columns are
 * checked once here, rows by length; records are checked field by field by the request schema.
 */
export function fromMlflow(body: unknown, features: string[], known: ReadonlySet<string>): Converted {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return bad('expected a JSON object with one of dataframe_split, dataframe_records, instances, inputs');
  const b = body as Record<string, unknown>;
  // As MLflow: exactly one input field, optionally `params` (this model takes none).
  const keys = Object.keys(b).filter((k) => k !== 'params');
  const inputs = keys.filter((k) => INPUT_FIELDS.includes(k));
  if (inputs.length !== 1 || keys.length !== 1) return bad(`expected a JSON object with exactly one of dataframe_split, dataframe_records, instances, inputs; got ${keys.length ? quoted(keys) : 'none'}`);
  if (b.params !== undefined && (typeof b.params !== 'object' || b.params === null || Array.isArray(b.params) || Object.keys(b.params).length)) {
    return { ok: false, code: 'INVALID_PARAMETER_VALUE', message: 'params: this model takes no parameters' };
  }
  if (b.dataframe_split !== undefined) {
    const s = b.dataframe_split as { columns?: unknown; data?: unknown };
    if (!s || typeof s !== 'object' || !Array.isArray(s.columns) || !Array.isArray(s.data)) return bad('dataframe_split: expected {columns:[...], data:[[...]]}');
    const cols = s.columns.map(String);
    const unknown = cols.filter((c) => !known.has(c));
    if (unknown.length) return bad(`dataframe_split: unknown column${unknown.length > 1 ? 's' : ''} ${quoted(unknown)}; expected only ${[...known].join(', ')}`);
    const seen = new Set<string>();
    for (const c of cols) {
      if (seen.has(c)) return bad(`dataframe_split: column "${c}" appears more than once`);
      seen.add(c);
    }
    const records: Array<Record<string, unknown>> = new Array(s.data.length);
    for (const [i, row] of s.data.entries()) {
      if (!Array.isArray(row) || row.length !== cols.length) return bad(`dataframe_split: row ${i} has ${Array.isArray(row) ? row.length : 'no'} values, expected ${cols.length} (one per column)`);
      const r: Record<string, unknown> = {};
      for (let j = 0; j < cols.length; j++) r[cols[j]] = row[j];
      records[i] = r;
    }
    return { ok: true, body: { records } };
  }
  const name = inputs[0];
  const list = b[name];
  if (!Array.isArray(list)) return bad(`${name}: expected a list of records${name === 'dataframe_records' ? '' : ' or of rows'}`);
  const records: Array<Record<string, unknown>> = new Array(list.length);
  for (const [i, r] of list.entries()) {
    if (Array.isArray(r)) {
      // A row: the model's features in order, nothing more or less.
      if (name === 'dataframe_records') return bad(`dataframe_records: record ${i} is a list; expected an object`);
      if (r.length !== features.length) return bad(`${name}: row ${i} has ${r.length} values, expected ${features.length} (the model's features in order: ${features.join(', ')})`);
      const rec: Record<string, unknown> = {};
      for (let j = 0; j < features.length; j++) rec[features[j]] = r[j];
      records[i] = rec;
    } else records[i] = r as Record<string, unknown>;
  }
  return { ok: true, body: { records } };
}
