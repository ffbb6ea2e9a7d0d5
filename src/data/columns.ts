import type { Config, } from '../config/load.js';
import type { FeatureType } from '../config/schema.js';
import type { Labels } from './csv/labels.js';
import { kindOf } from './kinds/index.js';
import type { InputEncoding } from './csv/decode.js';

/** What a data file must hold, by column name (files may order columns any way). */
export interface TableSchema {
  id: string;
  features: string[];
  featureTypes: Record<string, FeatureType>;
  target: string;
  /** Training data needs labels; prediction input may leave the column out. */
  requireTarget: boolean;
  /** Prediction input may leave the id out: rows are then named by their line number. */
  requireId: boolean;
  /** The label values the input writes (config target_positive / target_negative); default "1" / "0". */
  labels?: Labels;
  /** How files' bytes are read (config input_encoding); default "utf-8" (strict). Database rows are always UTF-8. */
  encoding?: InputEncoding;
}

/** Per feature, whether its kind stores dictionary codes (a category column). */
export function codedFeatures(schema: Pick<TableSchema, 'features' | 'featureTypes'>): boolean[] {
  return schema.features.map((f) => kindOf(schema.featureTypes[f]).storage === 'code');
}

export function trainingSchema(c: Config): TableSchema {
  return { id: c.id, features: c.features, featureTypes: c.featureTypes, target: c.target, requireTarget: true, requireId: true, labels: c.labels, encoding: c.inputEncoding };
}

/**
 * What the dataset keeps of each row besides id and label: the features, then value_column when
 * it is not one of them (read and stored as a "number" column, so a bad cell is rejected as a
 * number feature's is). Ingest writes these; readers ask for the columns they need by name.
 */
export function datasetSchema(c: Config): TableSchema {
  const v = c.valueColumn;
  if (v === undefined || c.features.includes(v)) return trainingSchema(c);
  return { ...trainingSchema(c), features: [...c.features, v], featureTypes: { ...c.featureTypes, [v]: 'number' } };
}

export function predictionSchema(c: Config): TableSchema {
  return { ...trainingSchema(c), requireTarget: false, requireId: false };
}

/** Header → column positions. Throws a one-line reason the file cannot be used. */
export interface ColumnMap {
  count: number;
  id: number;
  target: number;
  features: number[];
  /** Names not in the schema, each once, in header order. */
  extra: string[];
  /** Columns those names take (a name repeated counts each time). */
  extraCount: number;
}

/** At most this many names or positions in one message (a header can hold 100,000 names). */
const SHOWN = 10;

function listShort(items: Array<string | number>, more: number): string {
  return more > 0 ? `${items.join(', ')} and ${more} more` : items.join(', ');
}

/**
 * Linear in the header's length whatever it holds: positions are kept per name as a first index
 * and a count (plus up to SHOWN positions of a repeated name), never as arrays copied per
 * occurrence — a header repeating one name 80,000 times took 38 s that way, blocking the server.
 * `extra` lists each unknown name once, with its repeats counted in `extraCount`.
 */
export function mapHeader(header: string[], schema: TableSchema): ColumnMap {
  const n = header.length;
  if (n === 1 && header[0].trim() === '') throw new Error('header row is empty');
  const first = new Map<string, number>();
  const repeats = new Map<string, { count: number; shown: number[] }>();
  const names: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const name = header[i].trim();
    names[i] = name;
    const at = first.get(name);
    if (at === undefined) {
      first.set(name, i);
      continue;
    }
    const r = repeats.get(name);
    if (!r) repeats.set(name, { count: 2, shown: [at + 1, i + 1] });
    else {
      r.count++;
      if (r.shown.length < SHOWN) r.shown.push(i + 1);
    }
  }
  const find = (name: string, required: boolean): number => {
    const at = first.get(name);
    if (at === undefined) {
      if (!required) return -1;
      const shown = n > 12 ? `${names.slice(0, 12).join(', ')}, ...` : names.join(', ');
      throw new Error(`required column "${name}" is missing (header has: ${shown})`);
    }
    const r = repeats.get(name);
    if (r) throw new Error(`column "${name}" appears ${r.count} times (columns ${listShort(r.shown, r.count - r.shown.length)})`);
    return at;
  };
  const id = find(schema.id, schema.requireId);
  const features = schema.features.map((f) => find(f, true));
  const target = find(schema.target, schema.requireTarget);
  const known = new Set([schema.id, schema.target, ...schema.features]);
  const extra: string[] = [];
  let extraCount = 0;
  for (const [name] of first) {
    if (known.has(name)) continue;
    extra.push(name);
    extraCount += repeats.get(name)?.count ?? 1;
  }
  return { count: n, id, target, features, extra, extraCount };
}
