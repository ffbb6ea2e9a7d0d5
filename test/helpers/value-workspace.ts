import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy } from '../../src/model/deploy.ts';
import type { Context } from '../../src/context.ts';
import { context, makeWorkspace, HEADER } from './workspace.ts';
import { rng } from './random.ts';

export type ValueRow = { id: string; last: number; year: number; emp: number; exited: 0 | 1; revenue: string };

/**
 * A deployed workspace with config value_column "revenue" (not a feature) and top_k `topK`: 200
 * clients with a decimal revenue (every 11th without one), c001 with a newer row (revenue 777.5),
 * and one row whose revenue is no number ("12k", rejected). `rows` are the rows written, in order.
 */
export async function valueWorkspace(topK: number): Promise<{ ws: ReturnType<typeof makeWorkspace>; ctx: Context; rows: ValueRow[]; rejected: number; rejectedByReason: unknown }> {
  const ws = makeWorkspace({ value_column: 'revenue', top_k: topK });
  const rows: ValueRow[] = [];
  const rand = rng(29);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo));
  const leaves = (last: number) => (rand() < 1 / (1 + Math.exp(-(2 - last / 120))) ? 1 : 0);
  for (let i = 0; i < 200; i++) {
    const last = int(0, 1000);
    const revenue = i % 11 === 5 ? '' : (int(100, 2_000_000) / 100).toFixed(2);
    rows.push({ id: `c${String(i).padStart(3, '0')}`, last, year: int(0, 5000), emp: int(1, 500), exited: leaves(last), revenue });
  }
  rows.push({ ...rows[1], last: 3, exited: 0, revenue: '777.5' });
  const line = (r: ValueRow) => `${r.id},${r.last},${r.year},${r.emp},${r.exited},${r.revenue}`;
  writeFileSync(join(ws.source, '2026-01.csv'), [`${HEADER},revenue`, ...rows.map(line), 'bad1,10,10,10,0,12k'].join('\n') + '\n');
  const test = Array.from({ length: 200 }, (_, i) => {
    const last = int(0, 1000);
    return `t${i},${last},${int(0, 5000)},${int(1, 500)},${leaves(last)}`;
  });
  writeFileSync(join(ws.test, 'test.csv'), [HEADER, ...test].join('\n') + '\n');
  const ctx = await context(ws.config);
  const ing = await ingest(ctx);
  await deploy(ctx, (await train(ctx)).version);
  return { ws, ctx, rows, rejected: ing.rowsRejected, rejectedByReason: ing.files[0].rejectedByReason };
}

/** Each client's latest row; the current clients are those whose latest row does not say they left. */
export function currentRows(rows: ValueRow[]): ValueRow[] {
  const latest = new Map<string, ValueRow>();
  for (const r of rows) latest.set(r.id, r);
  return [...latest.values()].filter((r) => r.exited === 0);
}

/**
 * The expected-loss order computed here from the API's probability order and the revenues
 * written: probability × revenue descending, ties by probability order; no revenue: after all, in
 * probability order.
 */
export function byExpectedLoss(probOrder: Array<{ id: string; probability: number }>, revenueOf: (id: string) => number | null): string[] {
  const at = new Map(probOrder.map((r, k) => [r.id, k]));
  return [...probOrder]
    .sort((a, b) => {
      const va = revenueOf(a.id);
      const vb = revenueOf(b.id);
      if (va === null || vb === null) return va === null && vb === null ? at.get(a.id)! - at.get(b.id)! : va === null ? 1 : -1;
      return b.probability * vb - a.probability * va || at.get(a.id)! - at.get(b.id)!;
    })
    .map((r) => r.id);
}
