import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compactRows, compactShared, findDuplicates, markDuplicates, planDuplicates, probeBuckets } from '../../src/data/find-duplicates.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { IdColumn } from '../../src/data/id-column.ts';
import { hashRows } from '../../src/data/row-hash.ts';

const FEATURES = ['a', 'b', 'c'];

interface Row {
  id: string;
  x: number[];
  y: number;
}

/** pandas drop_duplicates equality: NaN equals NaN, -0 equals 0, everything else exact. */
const key = (r: Row) => JSON.stringify([r.id, r.x.map((v) => (Number.isNaN(v) ? 'NaN' : v === 0 ? 0 : v)), r.y]);

/** The reference: first occurrence kept, order preserved. */
function reference(rows: Row[]): Row[] {
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(key(r)) && (seen.add(key(r)), true));
}

function toDataset(rows: Row[]): Dataset {
  return {
    features: FEATURES,
    rows: rows.length,
    ids: IdColumn.from(rows.map((r) => r.id)),
    x: FEATURES.map((_, j) => Float64Array.from(rows.map((r) => r.x[j]))),
    y: Uint8Array.from(rows.map((r) => r.y)),
  };
}

function dedup(rows: Row[]): { kept: Row[]; mask: Uint8Array } {
  const ds = toDataset(rows);
  const mask = findDuplicates(ds);
  const n = compactRows(ds, mask);
  const kept = Array.from({ length: n }, (_, i) => ({ id: ds.ids.get(i), x: ds.x.map((c) => c[i]), y: ds.y[i] }));
  return { kept, mask };
}

const rowArb = (ids: number, values: number[]) =>
  fc.record({
    id: fc.integer({ min: 0, max: ids - 1 }).map((i) => (i % 5 === 4 ? `c${i} ` : `c${i}`)),
    x: fc.array(fc.constantFrom(...values), { minLength: 3, maxLength: 3 }),
    y: fc.constantFrom(0, 1),
  });

describe('findDuplicates + compactRows against a reference dedup', () => {
  test('property: tiny domains (most rows are duplicates), NaN and -0 included', () => {
    fc.assert(
      fc.property(fc.array(rowArb(4, [0, 1, Number.NaN, -0, 2.5]), { maxLength: 150, size: 'max' }), (rows) => {
        assert.deepEqual(dedup(rows).kept.map(key), reference(rows).map(key));
      }),
      { numRuns: 400 },
    );
  });

  test('property: larger inputs with planted repeats', () => {
    fc.assert(
      fc.property(fc.array(rowArb(200, [0, 1, 2, 3, 1e9, Number.NaN]), { minLength: 500, maxLength: 3000, size: 'max' }), fc.array(fc.nat(), { maxLength: 500 }), (rows, picks) => {
        const planted = [...rows, ...picks.map((p) => rows[p % rows.length])];
        assert.deepEqual(dedup(planted).kept.map(key), reference(planted).map(key));
      }),
      { numRuns: 30 },
    );
  });

  test('200,000 distinct rows (≈5 colliding 32-bit hashes expected) all kept, every repeat found', () => {
    const rows: Row[] = Array.from({ length: 200_000 }, (_, i) => ({ id: `id${i % 997}`, x: [i % 1000, Math.floor(i / 1000), i % 7], y: i % 2 }));
    const withRepeats = [...rows, ...rows.filter((_, i) => i % 10 === 0)];
    const { kept, mask } = dedup(withRepeats);
    assert.equal(kept.length, 200_000);
    assert.equal(mask.reduce((s, v) => s + v, 0), 20_000);
    assert.ok(mask.subarray(0, 200_000).every((v) => v === 0), 'first occurrences are kept');
  });
});

describe('hash collisions never drop a row', () => {
  // markDuplicates takes the row hashes: degenerate ones (still equal for equal rows) force many
  // rows through the "same hash, compare the rows" path, in one bucket or spread over a few.
  const forced: Array<[string, (r: Row) => number]> = [
    ['every row hashes to 0', () => 0],
    ['the label picks one of two buckets', (r) => r.y * 0x80000000],
    ['same bucket, slot from the id', (r) => Number(r.id.trim().slice(1))],
    ['first feature only, top and low bits', (r) => (Number.isNaN(r.x[0]) ? 7 : r.x[0] === 0 ? 0 : r.x[0]) * 0x40000001],
  ];
  for (const [name, hashOf] of forced) {
    test(`property: ${name}`, () => {
      fc.assert(
        fc.property(fc.array(rowArb(6, [0, 1, Number.NaN, -0]), { maxLength: 200, size: 'max' }), (rows) => {
          const ds = toDataset(rows);
          const mask = markDuplicates(ds, Uint32Array.from(rows, hashOf));
          const missing = new Float64Array(ds.x.length);
          const n = compactRows(ds, mask, missing);
          const kept = Array.from({ length: n }, (_, i) => ({ id: ds.ids.get(i), x: ds.x.map((c) => c[i]), y: ds.y[i] }));
          assert.deepEqual(kept.map(key), reference(rows).map(key));
          // The missing cells of the kept rows, counted while compacting.
          assert.deepEqual(Array.from(missing), ds.x.map((_, j) => kept.filter((r) => Number.isNaN(r.x[j])).length));
        }),
        { numRuns: 200 },
      );
    });
  }

  test('many buckets (over 64 rows each on average) agree with the reference', () => {
    const rows: Row[] = Array.from({ length: 50_000 }, (_, i) => ({ id: `c${(i * 7919) % 4001}`, x: [i % 3, (i * 31) % 5, i % 2 ? Number.NaN : 1], y: (i >> 3) % 2 }));
    assert.deepEqual(dedup(rows).kept.map(key), reference(rows).map(key));
  });
});

describe('buckets probed in two ranges (markDuplicatesWith: half on the parse worker)', () => {
  test('any split point gives markDuplicates\' mask, the plan in shared memory or not', () => {
    // Repeats from row 23,280 on (the fields' periods: 97, 3, 5, 2 and 16 rows).
    const rows: Row[] = Array.from({ length: 30_000 }, (_, i) => ({ id: `c${(i * 7) % 97}`, x: [i % 3, (i * 31) % 5, i % 2 ? Number.NaN : 1], y: (i >> 3) % 2 }));
    const ds = toDataset(rows);
    const keys = hashRows(ds);
    const want = markDuplicates(ds, keys);
    assert.ok(want.some((v) => v === 1));
    for (const shared of [false, true]) {
      const plan = planDuplicates(keys, ds.rows, shared);
      assert.equal(plan.idx.buffer instanceof SharedArrayBuffer, shared);
      for (const mid of [0, 1, plan.buckets >> 1, plan.buckets - 1, plan.buckets]) {
        const mask = new Uint8Array(ds.rows);
        probeBuckets(ds, plan, mid, plan.buckets, mask);
        probeBuckets(ds, plan, 0, mid, mask);
        assert.deepEqual(mask, want, `split at bucket ${mid}`);
        // A range probed twice (a failed worker's buckets redone here) marks the same rows.
        probeBuckets(ds, plan, mid, plan.buckets, mask);
        assert.deepEqual(mask, want);
      }
    }
  });
});

describe('compactShared', () => {
  test('columns in shared memory, taken from a shared counter, compact as compactRows does; compactRows skips them', () => {
    const rows: Row[] = Array.from({ length: 5000 }, (_, i) => ({ id: `c${(i * 7919) % 1201}`, x: [i % 3, i % 7 ? (i * 31) % 5 : Number.NaN, i % 2 ? Number.NaN : 1], y: (i >> 3) % 2 }));
    const ds = toDataset(rows);
    const mask = findDuplicates(ds);
    const plain = toDataset(rows);
    const missing = new Float64Array(plain.x.length);
    const n = compactRows(plain, mask, missing);
    const shared = ds.x.map((c) => {
      const s = new Float64Array(new SharedArrayBuffer(c.byteLength));
      s.set(c);
      return s;
    });
    const away = [1, 2];
    const split = { ...ds, x: ds.x.map((c, f) => (away.includes(f) ? shared[f] : c)) };
    const next = new Int32Array(new SharedArrayBuffer(4));
    next[0] = 1; // the other thread took the first column (away[0]) already
    const sharedMissing = new Float64Array(new SharedArrayBuffer(16));
    compactShared(away.map((f) => shared[f]), mask, ds.rows, next, sharedMissing);
    assert.equal(next[0], 3);
    // away[0] untouched here; this thread compacted away[1].
    assert.deepEqual(Array.from(shared[1]), Array.from(ds.x[1]));
    assert.deepEqual(Array.from(shared[2].subarray(0, n)), Array.from(plain.x[2].subarray(0, n)));
    assert.equal(sharedMissing[1], missing[2]);
    next[0] = 0;
    compactShared([shared[1]], mask, ds.rows, next, sharedMissing);
    assert.deepEqual(Array.from(shared[1].subarray(0, n)), Array.from(plain.x[1].subarray(0, n)));
    assert.equal(sharedMissing[0], missing[1]);
    const rest = new Float64Array(ds.x.length);
    assert.equal(compactRows(split, mask, rest, new Set(away)), n);
    for (const f of [0]) {
      assert.deepEqual(Array.from(split.x[f].subarray(0, n)), Array.from(plain.x[f].subarray(0, n)));
      assert.equal(rest[f], missing[f]);
    }
    // Skipped: not compacted again by compactRows.
    assert.deepEqual(Array.from(split.x[2].subarray(0, n)), Array.from(plain.x[2].subarray(0, n)));
    assert.deepEqual(Array.from(split.y.subarray(0, n)), Array.from(plain.y.subarray(0, n)));
  });
});

describe('equality rules', () => {
  test('missing equals missing but not 0; -0 equals 0; id, label and each feature all count', () => {
    const base: Row = { id: 'acme', x: [1, 2, 3], y: 0 };
    const rows: Row[] = [
      base,
      { id: 'a', x: [1, Number.NaN, 3], y: 0 },
      { id: 'a', x: [1, 0, 3], y: 0 },
      { id: 'a', x: [1, Number.NaN, 3], y: 0 }, // dup of 1
      { id: 'a', x: [1, -0, 3], y: 0 }, // dup of 2
      { ...base, id: 'Acme' },
      { ...base, id: 'acme ' },
      { ...base, y: 1 },
      { ...base, x: [3, 2, 1] },
      { ...base }, // dup of 0
    ];
    assert.deepEqual(Array.from(findDuplicates(toDataset(rows))), [0, 0, 0, 1, 1, 0, 0, 0, 0, 1]);
  });
});
