import { DatasetBuilder, type Dataset } from '../../src/data/dataset.ts';

/** A row as tests write it: id, feature values (NaN = missing), label. */
export interface Row {
  id: string;
  x: number[];
  y: number;
}

/** An in-memory dataset of `rows`, built the way the readers build one. */
export function datasetOf(rows: Row[], features: string[]): Dataset {
  const b = new DatasetBuilder(features, 2);
  for (const r of rows) {
    const i = b.next();
    r.x.forEach((v, j) => (b.x[j][i] = v));
    b.y[i] = r.y;
    b.ids.pushString(r.id);
    b.commit();
  }
  return b.build();
}
