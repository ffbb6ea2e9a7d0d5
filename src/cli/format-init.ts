import { relative } from 'node:path';
import type { InitResult } from '../index.js';

/**
 * `riskwatch init`'s human output: a table of every column (what was decided and why), the
 * warnings, where the data went, what to do next. --json gives the whole result.
 */
export function formatInit(r: InitResult): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const rel = (p: string) => relative(process.cwd(), p) || '.';
  const rows = r.columns.map((c) => [c.name, c.role === 'feature' ? `feature: ${c.type}` : c.role === 'target' ? `target (left = ${JSON.stringify(c.positive)})` : c.role, c.reason]);
  const w0 = Math.max(6, ...rows.map((x) => x[0].length));
  const w1 = Math.max(8, ...rows.map((x) => x[1].length));
  const line = (x: string[]) => `  ${x[0].padEnd(w0)}  ${x[1].padEnd(w1)}  ${x[2]}`.trimEnd();
  const features = r.columns.filter((c) => c.role === 'feature').length;
  const ignored = r.columns.filter((c) => c.role === 'ignored').length;
  const out = [
    `read ${rel(r.data.file)}: ${n(r.data.rows)} rows, ${r.columns.length} columns (${r.data.encoding}); ${n(r.data.labelled.positive)} left, ${n(r.data.labelled.negative)} stayed`,
    line(['column', 'decision', 'why']),
    ...rows.map(line),
    `${features} features, ${ignored} columns left out`,
  ];
  for (const w of r.warnings) out.push(`warning: ${w}`);
  const created = r.folders.filter((f) => f.created).map((f) => `${f.path}/`);
  if (created.length) out.push(`created ${created.join(', ')}`);
  if (r.split) {
    out.push(`split ${rel(r.data.file)}: ${n(r.split.train.rows)} rows → ${rel(r.split.train.path)} (training), ${n(r.split.test.rows)} rows → ${rel(r.split.test.path)} (test data: ${Math.round(r.split.share * 100)}% of each class, seed ${r.split.seed})`);
  }
  out.push(`wrote ${rel(r.out)}`);
  out.push('next:', ...r.next.map((s) => `  ${s}`));
  return out.join('\n');
}
