// How often does each model-drift rule fire on batches from an unchanged world (the generator's
// no-drift scenario)? Run: TRIALS=250 node --import tsx bench/false-alarms.ts. The default rule in
// config (drift.model_rule) is the one with the fewest false alarms here; figures in docs/monitoring.md.
import { Random } from '../src/util/random.ts';
import { makeClient } from '../src/simulate/generate.ts';
import { fitLogistic, predictProba } from '../src/model/logistic/fit.ts';
import { computeMetrics } from '../src/model/metrics.ts';
import { modelDrift } from '../src/monitor/model-drift.ts';
const rng = new Random(101);
const draw = (n: number) => { const x = [new Float64Array(n), new Float64Array(n), new Float64Array(n)]; const y = new Uint8Array(n); for (let i = 0; i < n; i++) { const c = makeClient(rng, 'c'); x[0][i] = c.lastmonth; x[1][i] = c.lastyear; x[2][i] = c.employees; y[i] = c.exited; } return { x, y }; };
const tr = draw(10000); const fit = fitLogistic(tr.x, tr.y, { C: 1, maxIter: 100, tol: 1e-12 });
const pred = (d: ReturnType<typeof draw>) => { const p = predictProba(d.x, d.y.length, fit.coef, fit.intercept, [0, 0, 0]); return { p, pred: Uint8Array.from(p, (v) => (v > 0.5 ? 1 : 0)) }; };
const test = draw(2000);
const counts: Record<string, { fired: number; gated: number }> = { raw: { fired: 0, gated: 0 }, parametric: { fired: 0, gated: 0 }, nonparametric: { fired: 0, gated: 0 } };
const trials = Number(process.env.TRIALS ?? 60), months = 12;
let checks = 0;
for (let t = 0; t < trials; t++) {
  const history = [computeMetrics(test.y, pred(test).p, 0.5, 10).f1];
  for (let m = 0; m < months; m++) {
    const b = draw(833); const { pred: pr } = pred(b);
    for (const rule of ['raw', 'parametric', 'nonparametric'] as const) {
      const r = modelDrift(b.y, pr, history, rule, 300);
      if (r.fired[rule]) counts[rule].fired++;
      if (r.drifted) counts[rule].gated++;
    }
    history.push(modelDrift(b.y, pr, history, 'raw', 100).currentF1);
    checks++;
  }
}
for (const [k, v] of Object.entries(counts)) console.log(k, 'fires', (v.fired / checks * 100).toFixed(1) + '%', 'with CI gate', (v.gated / checks * 100).toFixed(1) + '%', `(${checks} monthly checks)`);
