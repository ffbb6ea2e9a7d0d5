import type { Evaluation } from '../api';
import { LineChart } from '../charts/line-chart';
import { ConfusionMatrix } from '../charts/confusion-matrix';
import { int } from '../format';

const TREND: Array<{ key: 'f1' | 'precision' | 'recall' | 'rocAuc' | 'prAuc'; name: string }> = [
  { key: 'f1', name: 'F1' },
  { key: 'precision', name: 'precision' },
  { key: 'recall', name: 'recall' },
  { key: 'rocAuc', name: 'ROC AUC' },
  { key: 'prAuc', name: 'PR AUC (avg. precision)' },
];

export function Quality({ evaluation }: { evaluation?: Evaluation }) {
  if (!evaluation) return null;
  const scored = evaluation.versions.filter((v) => v.metrics);
  const prod = scored.find((v) => v.version === evaluation.production);
  const data = evaluation.data;
  const sub = data ? `${int(data.rows)} test rows, ${int(data.positives)} leavers` : undefined;
  const positiveRate = data && data.rows ? data.positives / data.rows : 0;
  return (
    <section id="quality" class="card" aria-labelledby="quality-h">
      <h2 id="quality-h">Model quality</h2>
      <p class="muted">{evaluation.problem ?? (scored.length ? `Every version scored on the same test data${sub ? ` (${sub})` : ''}${evaluation.production ? `; curves and matrix for production ${evaluation.production}` : ''}.` : `No model version yet: the figures appear once one is trained${sub ? ` (test data: ${sub})` : ''}.`)}</p>
      <div class="grid-2">
        {scored.length > 0 && (
          <LineChart
            id="trend"
            title="Key metrics across model versions"
            subtitle="test data, higher is better"
            categories={scored.map((v) => v.version + (v.version === evaluation.production ? ' ★' : ''))}
            series={TREND.map((t) => ({ name: t.name, points: scored.map((v, i) => ({ x: i, y: (v.metrics![t.key] as number | null) ?? 0 })) }))}
            xLabel="model version (★ production)"
            yLabel="score"
            yDomain={[0, 1]}
            markers
          />
        )}
        {prod?.metrics && <ConfusionMatrix matrix={prod.metrics.confusionMatrix} threshold={prod.metrics.threshold} subtitle={sub} />}
        {evaluation.curves && (
          <LineChart
            id="roc"
            title={`ROC curve — ${evaluation.curves.version}`}
            subtitle={`AUC ${prod?.metrics?.rocAuc?.toFixed(3) ?? '—'}`}
            series={[{ name: `${evaluation.curves.version} ROC`, points: evaluation.curves.roc.map((p) => ({ x: p.fpr, y: p.tpr })) }]}
            reference={{ label: 'random ranking', points: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }}
            xLabel="false positive rate"
            yLabel="true positive rate (recall)"
            xDomain={[0, 1]}
            yDomain={[0, 1]}
            square
          />
        )}
        {evaluation.curves && (
          <LineChart
            id="pr"
            title={`Precision–recall curve — ${evaluation.curves.version}`}
            subtitle={`average precision ${prod?.metrics?.prAuc?.toFixed(3) ?? '—'}`}
            series={[{ name: `${evaluation.curves.version} precision`, points: evaluation.curves.pr.map((p) => ({ x: p.recall, y: p.precision })), color: '#16a34a' }]}
            reference={{ label: `leaver rate ${(positiveRate * 100).toFixed(1)}% (random)`, points: [{ x: 0, y: positiveRate }, { x: 1, y: positiveRate }] }}
            xLabel="recall"
            yLabel="precision"
            xDomain={[0, 1]}
            yDomain={[0, 1]}
            square
          />
        )}
      </div>
    </section>
  );
}
