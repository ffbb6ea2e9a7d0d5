import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DatasetBuilder } from '../../src/data/dataset.ts';
import { DuplicateIndex } from '../../src/data/dedup.ts';

const FEATURES = ['a', 'b', 'c'];

interface Row {
  id: string;
  x: number[];
  y: number;
}

/** add a row; re-add the row added `back` adds ago (planted duplicates); roll back to a fraction of the rows. */
type Op = { kind: 'add'; row: Row } | { kind: 'repeat'; back: number } | { kind: 'truncate'; frac: number };

/** pandas drop_duplicates equality: NaN equals NaN, -0 equals 0, everything else exact. */
function key(r: Row): string {
  return JSON.stringify([r.id, r.x.map((v) => (Number.isNaN(v) ? 'NaN' : v === 0 ? 0 : v)), r.y]);
}

/** The system under test, driven the way readDataFile drives it. */
class Subject {
  readonly b: DatasetBuilder;
  readonly d: DuplicateIndex;
  constructor(capacity: number, expected: number) {
    this.b = new DatasetBuilder(FEATURES, capacity);
    this.d = new DuplicateIndex(this.b, expected);
  }
  /** -1 when added, else the index of the earlier equal row. */
  add(row: Row): number {
    const r = this.b.next();
    row.x.forEach((v, j) => (this.b.x[j][r] = v));
    this.b.y[r] = row.y;
    this.b.ids[r] = row.id;
    const found = this.d.addOrFind(r);
    if (found < 0) this.b.commit(row.id);
    return found;
  }
  rows(): Row[] {
    const ds = this.b.build();
    return Array.from({ length: ds.rows }, (_, i) => ({ id: ds.ids[i], x: ds.x.map((c) => c[i]), y: ds.y[i] }));
  }
}

/** The reference: a list of kept rows and a map from key to the row's position. */
class Reference {
  kept: Row[] = [];
  private at = new Map<string, number>();
  add(row: Row): number {
    const k = key(row);
    const at = this.at.get(k);
    if (at !== undefined) return at;
    this.at.set(k, this.kept.length);
    this.kept.push(row);
    return -1;
  }
  truncate(n: number): void {
    this.kept.length = n;
    for (const [k, i] of this.at) if (i >= n) this.at.delete(k);
  }
}

function run(ops: Op[], capacity = 4, expected = 1): { subject: Subject; ref: Reference; peak: number } {
  const subject = new Subject(capacity, expected);
  const ref = new Reference();
  const history: Row[] = [];
  let peak = 0;
  ops.forEach((op, i) => {
    if (op.kind === 'truncate') {
      const n = Math.floor(op.frac * ref.kept.length);
      subject.b.truncate(n);
      ref.truncate(n);
      return;
    }
    const row = op.kind === 'add' ? op.row : history[history.length - 1 - (op.back % Math.max(1, history.length))];
    if (!row) return;
    history.push(row);
    const got = subject.add({ ...row, x: [...row.x] });
    const want = ref.add(row);
    assert.equal(got, want, `op ${i}: ${key(row)} (${want < 0 ? 'new' : `duplicate of row ${want}`})`);
    peak = Math.max(peak, ref.kept.length);
  });
  return { subject, ref, peak };
}

function sameRows(a: Row[], b: Row[]): void {
  assert.equal(a.length, b.length, 'row count');
  assert.deepEqual(a.map(key), b.map(key));
}

// Small domains so duplicates are common; NaN is a missing cell; -0 must equal 0.
const rowArb = (ids: number, values: number[]) =>
  fc.record({
    id: fc.integer({ min: 0, max: ids - 1 }).map((i) => (i % 5 === 4 ? `c${i} ` : `c${i}`)),
    x: fc.array(fc.constantFrom(...values), { minLength: FEATURES.length, maxLength: FEATURES.length }),
    y: fc.constantFrom(0, 1),
  });

const opsArb = (ids: number, values: number[], minLength: number, maxLength: number) =>
  fc.array(
    fc.oneof(
      { weight: 60, arbitrary: rowArb(ids, values).map((row): Op => ({ kind: 'add', row })) },
      { weight: 20, arbitrary: fc.integer({ min: 0, max: 40 }).map((back): Op => ({ kind: 'repeat', back })) },
      { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((frac): Op => ({ kind: 'truncate', frac })) },
    ),
    { minLength, maxLength, size: 'max' },
  );

describe('DuplicateIndex + DatasetBuilder against a reference dedup', () => {
  test('property: many short runs, tiny domains (most rows are duplicates)', () => {
    fc.assert(
      fc.property(opsArb(4, [0, 1, Number.NaN, -0], 0, 120), (ops) => {
        const { subject, ref } = run(ops);
        sameRows(subject.rows(), ref.kept);
      }),
      { numRuns: 300 },
    );
  });

  test('property: long runs that force several rehashes, with truncate() rollbacks in between', () => {
    fc.assert(
      fc.property(opsArb(60, [0, 1, 2, 3, Number.NaN], 1500, 4000), (ops) => {
        const { subject, ref } = run(ops);
        sameRows(subject.rows(), ref.kept);
      }),
      { numRuns: 25 },
    );
  });

  test('deterministic: 30,000 rows, planted duplicates, rollbacks, many rehashes', () => {
    // A small LCG so the run is the same every time and needs no fixtures.
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n; // the low bits of an LCG are poor
    };
    const ops: Op[] = [];
    for (let i = 0; i < 30_000; i++) {
      if (i % 997 === 996) ops.push({ kind: 'truncate', frac: rand(1000) / 1000 });
      if (rand(3) === 0) {
        ops.push({ kind: 'repeat', back: rand(50) });
        continue;
      }
      const v = () => (rand(10) === 0 ? Number.NaN : rand(8));
      ops.push({ kind: 'add', row: { id: `id${rand(400)}`, x: [v(), v(), v()], y: rand(2) } });
    }
    const { subject, ref, peak } = run(ops, 1024, 1024);
    sameRows(subject.rows(), ref.kept);
    // Enough distinct rows to rehash at least twice (1024 slots, rehashed when half full).
    assert.ok(peak > 1100, `at most ${peak} rows kept`);
  });
});

describe('DuplicateIndex equality rules', () => {
  const fresh = () => new Subject(4, 1);
  test('missing equals missing, but missing is not 0', () => {
    const s = fresh();
    assert.equal(s.add({ id: 'a', x: [1, Number.NaN, 3], y: 0 }), -1);
    assert.equal(s.add({ id: 'a', x: [1, 0, 3], y: 0 }), -1);
    assert.equal(s.add({ id: 'a', x: [1, Number.NaN, 3], y: 0 }), 0);
    assert.equal(s.add({ id: 'a', x: [1, 0, 3], y: 0 }), 1);
    assert.equal(s.b.rows, 2);
  });

  test('-0 equals 0', () => {
    const s = fresh();
    assert.equal(s.add({ id: 'a', x: [0, 1, 2], y: 1 }), -1);
    assert.equal(s.add({ id: 'a', x: [-0, 1, 2], y: 1 }), 0);
  });

  test('id, label and each feature all take part; ids compare exactly (case, spaces)', () => {
    const s = fresh();
    const base: Row = { id: 'acme', x: [1, 2, 3], y: 0 };
    assert.equal(s.add(base), -1);
    for (const r of [
      { ...base, id: 'Acme' },
      { ...base, id: 'acme ' },
      { ...base, id: ' acme' },
      { ...base, y: 1 },
      { ...base, x: [2, 2, 3] },
      { ...base, x: [1, 3, 3] },
      { ...base, x: [1, 2, 4] },
      { ...base, x: [3, 2, 1] },
    ]) {
      assert.equal(s.add(r), -1, key(r));
    }
    assert.equal(s.add({ ...base }), 0);
    assert.equal(s.b.rows, 9);
  });

  test('a row from a truncated (rejected) file does not make a later equal row a duplicate', () => {
    const s = fresh();
    s.add({ id: 'keep', x: [1, 1, 1], y: 0 });
    s.add({ id: 'gone', x: [2, 2, 2], y: 1 });
    s.add({ id: 'gone2', x: [3, 3, 3], y: 1 });
    s.b.truncate(1);
    assert.equal(s.add({ id: 'other', x: [9, 9, 9], y: 0 }), -1);
    assert.equal(s.add({ id: 'gone2', x: [3, 3, 3], y: 1 }), -1);
    assert.equal(s.add({ id: 'gone', x: [2, 2, 2], y: 1 }), -1);
    assert.equal(s.add({ id: 'gone', x: [2, 2, 2], y: 1 }), 3);
    assert.deepEqual(
      s.rows().map((r) => r.id),
      ['keep', 'other', 'gone2', 'gone'],
    );
  });
});
