import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../../helpers/workspace.ts';

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
