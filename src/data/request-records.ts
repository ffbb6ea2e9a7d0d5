// Namespace import, not `import { z }`: that re-exported namespace object makes the CLI bundle keep all
// of zod in the chunk every command loads (see src/util/zod-locale.ts).
import * as z from 'zod/mini';
import type { Config } from '../config/load.js';
import type { FeatureType } from '../config/schema.js';
import { CsvFormatError, parseCsv } from './csv/parser.js';
import { classifyCount, classifyNumber, parseNumber, REJECT_REASONS } from './csv/cells.js';
import { mapHeader, predictionSchema } from './columns.js';

/** One bad field of a prediction request. `record` is the 0-based record index (null: the request as a whole). */
export interface FieldError {
  record: number | null;
  field: string | null;
  message: string;
  line?: number;
}

/**
 * Prediction input in columns, ready for predictProba (missing = NaN): a category feature's
 * column holds codes into `levels[j]`, the request's own dictionary of its texts (the model maps
 * texts, not codes); null for numeric features.
 */
export interface ParsedRecords {
  ids: string[];
  x: Float64Array[];
  rows: number;
  levels?: (readonly string[] | null)[];
}

/** A request's dictionary for one category feature: trimmed text → code (blank: missing). */
class RequestLevels {
  readonly texts: string[] = [];
  private readonly codes = new Map<string, number>();
  code(raw: string): number {
    const text = raw.trim();
    if (text === '') return Number.NaN;
    let c = this.codes.get(text);
    if (c === undefined) this.codes.set(text, (c = this.texts.push(text) - 1));
    return c;
  }
}

const isCategory = (config: Config, f: string) => config.featureTypes[f] === 'category';

export type ParseOutcome = { ok: true; value: ParsedRecords } | { ok: false; errors: FieldError[] };

const MAX_RECORDS = 1_000_000;

function featureSchema(type: FeatureType) {
  // A category is text, as in a data file (trimmed; blank is missing); a number is taken as its text.
  if (type === 'category') return z.optional(z.nullable(z.union([z.string(), z.number()], { error: 'expected a string (a category) or null' })));
  // zod 4's numbers are finite already (and JSON has no NaN or Infinity).
  const n = type === 'count'
    ? z.number({ error: 'expected a number or null' }).check(z.int('expected a whole number'), z.nonnegative('expected a non-negative number'), z.maximum(Number.MAX_SAFE_INTEGER, 'too large'))
    : z.number({ error: 'expected a number or null' });
  return z.optional(z.nullable(n));
}

/**
 * The zod schema of a JSON request for these features: `{records:[{<id>?, <label>?, <feature>?: number|null}]}`.
 * Strict: a key that is not the id, the label or a feature is an error, never ignored — a
 * misspelled feature would otherwise be scored as missing (the median) without a word.
 */
export function requestSchema(config: Config, features: string[]) {
  const shape: Record<string, z.ZodMiniType> = { [config.id]: z.optional(z.union([z.string(), z.number()], { error: 'expected a string' })) };
  // The label may ride along (rows exported from the dataset carry it); it is not used to score.
  shape[config.target] = z.optional(z.nullable(z.union([z.number(), z.string()], { error: 'expected 0, 1 or null' })));
  for (const f of features) shape[f] = featureSchema(config.featureTypes[f] ?? 'count');
  const record = z.strictObject(shape, { error: 'expected an object' });
  return z.strictObject({ records: z.array(record, { error: 'expected an array of records' }).check(z.maxLength(MAX_RECORDS, `at most ${MAX_RECORDS} records`)) }, { error: 'expected a JSON object with "records"' });
}

/** The columns a request may hold, for messages: id, features, label. */
export function knownColumns(config: Config, features: string[]): string {
  return [config.id, ...features, config.target].join(', ');
}

/** At most this many unknown names are listed one by one (a body can hold 100,000). */
const UNKNOWN_SHOWN = 10;

/**
 * One error per unknown column name (the first UNKNOWN_SHOWN, then one line for the rest), each
 * naming where it was first seen and how often: a key repeated in 10,000 records is one error.
 */
export function unknownColumnErrors(found: Map<string, { record: number | null; count: number }>, config: Config, features: string[], line?: number): FieldError[] {
  const expected = `expected only ${knownColumns(config, features)}`;
  const errors: FieldError[] = [];
  for (const [name, at] of found) {
    if (errors.length === UNKNOWN_SHOWN) {
      errors.push({ record: null, field: null, message: `and ${found.size - UNKNOWN_SHOWN} more unknown columns`, ...(line ? { line } : {}) });
      break;
    }
    const times = at.count > 1 ? ` (${at.count} times)` : '';
    errors.push({ record: at.record, field: name, message: `unknown column${times}; ${expected}`, ...(line ? { line } : {}) });
  }
  return errors;
}

/**
 * Schemas built once per (config, feature list): building a zod object schema (and its first,
 * compiling parse) costs far more than validating a one-record body, so a per-request build made
 * single-record predictions several times slower.
 */
const schemas = new WeakMap<Config, Map<string, ReturnType<typeof requestSchema>>>();
function cachedSchema(config: Config, features: string[]) {
  let byFeatures = schemas.get(config);
  if (!byFeatures) schemas.set(config, (byFeatures = new Map()));
  const key = features.join('\u0000');
  let schema = byFeatures.get(key);
  if (!schema) {
    if (byFeatures.size > 16) byFeatures.clear(); // feature lists change only with new model versions
    byFeatures.set(key, (schema = requestSchema(config, features)));
  }
  return schema;
}

/** Validate a JSON body; every bad field is listed, not only the first. */
export function parseJsonRecords(body: unknown, config: Config, features: string[]): ParseOutcome {
  const parsed = cachedSchema(config, features).safeParse(body);
  if (!parsed.success) {
    const errors: FieldError[] = [];
    // Unknown keys are gathered by name across records (see unknownColumnErrors).
    const unknown = new Map<string, { record: number | null; count: number }>();
    let topUnknown: string[] = [];
    for (const issue of parsed.error.issues) {
      const [top, index, field] = issue.path;
      if (issue.code === 'unrecognized_keys') {
        if (top === undefined) {
          topUnknown = issue.keys;
          continue;
        }
        for (const key of issue.keys) {
          const at = unknown.get(key);
          if (at) at.count++;
          else unknown.set(key, { record: typeof index === 'number' ? index : null, count: 1 });
        }
        continue;
      }
      if (top === 'records' && typeof index === 'number') errors.push({ record: index, field: field === undefined ? null : String(field), message: issue.message });
      else errors.push({ record: null, field: top === undefined ? null : String(top), message: issue.message });
    }
    // Beside a missing "records" (a misspelled key) its error already says what is expected.
    const recordsMissing = !(body && typeof body === 'object' && 'records' in body);
    if (!recordsMissing) for (const key of topUnknown.slice(0, UNKNOWN_SHOWN)) errors.unshift({ record: null, field: key, message: 'unknown key; expected a JSON object with "records" only' });
    errors.push(...unknownColumnErrors(unknown, config, features));
    return { ok: false, errors };
  }
  const records = parsed.data.records as Array<Record<string, unknown>>;
  const rows = records.length;
  const x = features.map(() => new Float64Array(rows));
  const dicts = features.map((f) => (isCategory(config, f) ? new RequestLevels() : null));
  const ids: string[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    const r = records[i];
    const id = r[config.id];
    ids[i] = id === undefined ? `record-${i}` : String(id);
    for (let j = 0; j < features.length; j++) {
      const v = r[features[j]];
      const dict = dicts[j];
      if (dict) x[j][i] = v === null || v === undefined ? Number.NaN : dict.code(String(v));
      else x[j][i] = typeof v === 'number' ? v : Number.NaN;
    }
  }
  return { ok: true, value: { ids, x, rows, levels: dicts.map((d) => (d ? d.texts : null)) } };
}

/** Validate a CSV body (header row; columns by name; the id column optional). */
export function parseCsvRecords(body: Buffer, config: Config, features: string[]): ParseOutcome {
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(body);
  } catch (err) {
    const line = err instanceof CsvFormatError ? err.line : undefined;
    return { ok: false, errors: [{ record: null, field: null, message: (err as Error).message, ...(line ? { line } : {}) }] };
  }
  if (!records.length) return { ok: false, errors: [{ record: null, field: null, message: 'the CSV body is empty (expected a header row)' }] };
  const [header, ...data] = records;
  let map: ReturnType<typeof mapHeader>;
  try {
    map = mapHeader(header.fields, { ...predictionSchema(config), features });
  } catch (err) {
    return { ok: false, errors: [{ record: null, field: null, message: (err as Error).message, line: header.line }] };
  }
  if (map.extra.length) {
    // The id and label columns are known; anything else in a request is refused (not ignored as
    // in data files), so a misspelled feature is named instead of scored as missing.
    const unknown = new Map(map.extra.map((name) => [name, { record: null, count: 0 }]));
    for (const f of header.fields) {
      const at = unknown.get(f.trim());
      if (at) at.count++;
    }
    return { ok: false, errors: unknownColumnErrors(unknown, config, features, header.line) };
  }
  const rows = data.length;
  if (rows > MAX_RECORDS) return { ok: false, errors: [{ record: null, field: null, message: `at most ${MAX_RECORDS} records` }] };
  const x = features.map(() => new Float64Array(rows));
  const dicts = features.map((f) => (isCategory(config, f) ? new RequestLevels() : null));
  const ids: string[] = new Array(rows);
  const errors: FieldError[] = [];
  for (let i = 0; i < rows; i++) {
    const rec = data[i];
    if (rec.malformed) errors.push({ record: i, field: null, line: rec.line, message: REJECT_REASONS.malformed_quotes });
    if (rec.fields.length !== map.count) {
      errors.push({ record: i, field: null, line: rec.line, message: `expected ${map.count} fields, got ${rec.fields.length}` });
      continue;
    }
    ids[i] = map.id >= 0 ? rec.fields[map.id] : `line-${rec.line}`;
    for (let j = 0; j < features.length; j++) {
      const f = features[j];
      const text = rec.fields[map.features[j]];
      const dict = dicts[j];
      if (dict) {
        x[j][i] = dict.code(text);
        continue;
      }
      if (text.trim() === '') {
        x[j][i] = Number.NaN;
        continue;
      }
      const type = config.featureTypes[f] ?? 'count';
      const t = text.replace(/^[ \t]+|[ \t]+$/g, '');
      const v = type === 'count' ? (/^\d+$/.test(t) ? Number(t) : Number.NaN) : parseNumber(text);
      if (Number.isNaN(v) || v > Number.MAX_SAFE_INTEGER) {
        const reason = type === 'count' ? classifyCount(text) : classifyNumber(text);
        errors.push({ record: i, field: f, line: rec.line, message: `${REJECT_REASONS[reason]} (got ${JSON.stringify(text.length > 40 ? text.slice(0, 40) + '…' : text)})` });
        continue;
      }
      x[j][i] = v;
    }
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { ids, x, rows, levels: dicts.map((d) => (d ? d.texts : null)) } };
}
