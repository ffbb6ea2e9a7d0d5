import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitLogisticDocument } from '../../src/model/logistic/fit-document.ts';
import { parseModelDocument } from '../../src/registry/versions.ts';
import { MODEL_FORMAT_2, type LogisticDocument2 } from '../../src/contracts/model-document.ts';
import { FIXTURES } from './workspace.ts';

// Fixture: scikit-learn 1.2.1's Pipeline(ColumnTransformer([num: SimpleImputer(median) [+
// StandardScaler], cat: OneHotEncoder(handle_unknown="ignore")]), LogisticRegression(C=0.5))
// solved to convergence (newton-cg, cross-checked with a numpy Newton solve to 1e-10), on a
// CRM-like table whose test rows hold an unseen region, missing contracts (never missing in
// training) and missing plans. scripts/fixtures/make_logistic_categories_fixture.py.
export interface Fit {
  standardize: boolean;
  medians: Record<string, number>;
  means?: Record<string, number>;
  scales?: Record<string, number>;
  categorical: string[];
  categories: Record<string, (string | null)[]>;
  coefficients: Record<string, number | number[]>;
  intercept: number;
  testProbabilities: number[];
  trainProbabilities: number[];
}
export type Cells = Record<string, (number | string | null)[]> & { y: number[] };
export const categoriesFixture = JSON.parse(readFileSync(join(FIXTURES, 'model', 'categories.json'), 'utf8')) as { C: number; numeric: string[]; categorical: string[]; train: Cells; test: Cells; fits: Fit[] };
const fixture = categoriesFixture;
export const FEATURES = [...fixture.numeric, ...fixture.categorical];

/**
 * Columns as a dataset holds them: numbers (null → NaN), category texts as codes into a
 * dictionary in order of first appearance — so the training and test dictionaries differ and the
 * model must map texts, not codes.
 */
export function columns(cells: Cells) {
  const rows = cells.y.length;
  const levels: (string[] | null)[] = [];
  const x = FEATURES.map((f) => {
    const col = new Float64Array(rows);
    if (fixture.numeric.includes(f)) {
      levels.push(null);
      cells[f].forEach((v, i) => (col[i] = v === null ? Number.NaN : (v as number)));
    } else {
      const dict: string[] = [];
      const code = new Map<string, number>();
      cells[f].forEach((v, i) => {
        if (v === null) return void (col[i] = Number.NaN);
        if (!code.has(v as string)) code.set(v as string, dict.push(v as string) - 1);
        col[i] = code.get(v as string)!;
      });
      levels.push(dict);
    }
    return col;
  });
  return { x, rows, levels, y: Uint8Array.from(cells.y) };
}

function median(col: Float64Array): number {
  const v = Array.from(col).filter((a) => a === a).sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export const train = columns(fixture.train);
export const testRows = columns(fixture.test);

/** The first `features` columns of a column set (numeric features come first). */
export function firstColumns<T extends { x: Float64Array[]; levels: (string[] | null)[] }>(c: T, features: number): T {
  return { ...c, x: c.x.slice(0, features), levels: c.levels.slice(0, features) };
}

/** The model riskwatch fits on the fixture's training rows: all features, or the numeric ones alone. */
export function fitDoc(standardize: boolean, numericOnly = false): LogisticDocument2 {
  const features = numericOnly ? fixture.numeric : FEATURES;
  const cols = firstColumns(train, features.length);
  const { document } = fitLogisticDocument({
    features,
    types: features.map((f) => (fixture.numeric.includes(f) ? (f === 'spend' ? 'number' : 'count') : 'category')),
    ...cols,
    medians: cols.x.map((c, j) => (cols.levels[j] ? Number.NaN : median(c))),
    C: fixture.C,
    maxIter: 100,
    tol: 1e-12,
    threshold: 0.5,
    standardize,
    maxCategories: 50,
  });
  const doc = document({ version: 'v1', createdAt: 't', datasetHash: 'h', target: 'y', idColumn: 'id' }, (f) => ({ rows: train.rows, positives: 0, iterations: f.iterations, gradNorm: f.gradNorm, objective: f.objective, converged: f.converged, ms: 0 }));
  assert.equal(doc.format, MODEL_FORMAT_2);
  // What is stored is what loads: through JSON and the document schema.
  return parseModelDocument(JSON.parse(JSON.stringify(doc)), 'model.json') as LogisticDocument2;
}

