import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../../helpers/workspace.ts';
import type { GbdtTraining } from '../../../src/model/gbdt/document.ts';

/** test/fixtures/gbdt/churn.csv (scripts/fixtures/gbdt_data.py) as columns, split as the fixture script splits it. */
export function loadChurn() {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'gbdt', 'churn.expected.json'), 'utf8'));
  const lines = readFileSync(join(FIXTURES, 'gbdt', 'churn.csv'), 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const p = header.length - 1;
  const n = lines.length - 1;
  const columns = Array.from({ length: p }, () => new Float64Array(n));
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const cells = lines[i + 1].split(',');
    for (let f = 0; f < p; f++) columns[f][i] = cells[f] === '' ? NaN : Number(cells[f]);
    y[i] = Number(cells[p]);
  }
  const t: number = expected.trainRows;
  const part = (a: number, b: number) => ({ columns: columns.map((c) => c.slice(a, b)), y: y.slice(a, b) });
  return { expected, header: header.slice(0, p), categorical: expected.categorical as boolean[], train: part(0, t), test: part(t, n) };
}

export type Churn = ReturnType<typeof loadChurn>;

/**
 * Dictionaries for the fixture's category columns, as a dataset has them: code c of column j means
 * the text `text(j, c)` (each test picks texts that make its point: not in text order, quotes to
 * escape); null for numeric columns.
 */
export function churnLevels(d: Churn, cols: readonly Float64Array[], text: (j: number, c: number) => string): (string[] | null)[] {
  return cols.map((col, j) => {
    if (!d.categorical[j]) return null;
    let max = -1;
    for (const v of col) if (v === v && v > max) max = v;
    return Array.from({ length: max + 1 }, (_, c) => text(j, c));
  });
}

/** The fixture's training rows as the tree family's training input (threshold 0.5). */
export function churnTraining(d: Churn, text: (j: number, c: number) => string, maxCategories: number, params: GbdtTraining['params']): GbdtTraining {
  return {
    features: d.header,
    types: d.categorical.map((c) => (c ? 'category' : 'number')),
    rows: d.train.y.length,
    x: d.train.columns,
    y: d.train.y,
    levels: churnLevels(d, d.train.columns, text),
    threshold: 0.5,
    maxCategories,
    params,
  };
}
