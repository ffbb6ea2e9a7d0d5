import type { Diagnosis, DriftLatest, Evaluation, Metrics, ModelListing, Population } from '../api';
import { ago, int, num, pct, when } from '../format';

export type Verdict = { tone: 'good' | 'warn' | 'bad' | 'none'; label: string; detail: string };

/** One line a manager can act on: is the production model trustworthy right now? */
export function verdict(drift: DriftLatest | undefined, production: string | null): Verdict {
  if (!production) return { tone: 'bad', label: 'No model in production', detail: 'Run `riskwatch run` or `riskwatch deploy`.' };
  const l = drift?.latest;
  if (!l) return { tone: 'none', label: 'Not checked yet', detail: 'No run has checked drift for this model yet.' };
  if (l.drift.model) return { tone: 'warn', label: l.deployed ? `Retrained → ${l.deployed}` : 'Model drift', detail: l.reason ?? '' };
  if (l.drift.dataset || l.drift.prediction) return { tone: 'warn', label: 'Inputs shifting', detail: l.reason ?? '' };
  return { tone: 'good', label: 'Healthy', detail: l.reason ?? '' };
}

function Kpi({ label, value, delta, hint, testid }: { label: string; value: string; delta?: number | null; hint?: string; testid?: string }) {
  const d = delta === undefined || delta === null || !Number.isFinite(delta) ? null : delta;
  return (
    <div class="kpi" data-testid={testid}>
      <div class="kpi-label">{label}</div>
      <div class="kpi-value">{value}</div>
      <div class="kpi-hint">
        {d !== null && <span class={d > 0.0005 ? 'up' : d < -0.0005 ? 'down' : 'flat'}>{`${d > 0 ? '▲' : d < 0 ? '▼' : '■'} ${Math.abs(d * 100).toFixed(1)} pts vs previous version`}</span>}
        {d === null && hint}
      </div>
    </div>
  );
}

export function Overview(props: { models?: { models: ModelListing[]; production: string | null }; drift?: DriftLatest; evaluation?: Evaluation; diagnosis?: Diagnosis; population?: Population }) {
  const production = props.models?.production ?? null;
  const v = verdict(props.drift, production);
  const evals = (props.evaluation?.versions ?? []).filter((e) => e.metrics);
  const idx = evals.findIndex((e) => e.version === production);
  const cur: Metrics | null = idx >= 0 ? evals[idx].metrics : null;
  const prev: Metrics | null = idx > 0 ? evals[idx - 1].metrics : null;
  const delta = (k: 'f1' | 'precision' | 'recall' | 'rocAuc' | 'prAuc') => (cur && prev && cur[k] !== null && prev[k] !== null ? (cur[k] as number) - (prev[k] as number) : null);
  const model = props.models?.models.find((m) => m.version === production);
  const pop = props.population;
  return (
    <section id="overview" class="card overview" aria-labelledby="overview-h">
      <div class="overview-head">
        <div>
          <h2 id="overview-h">Production model</h2>
          <div class="prod-version" data-testid="production-version">{production ?? 'none'}</div>
          <div class="muted">{model ? `trained ${when(model.createdAt)} on ${int(model.trainingRows)} rows` : ''}</div>
        </div>
        <div class={`verdict tone-${v.tone}`} data-testid="verdict">
          <div class="verdict-label">{v.label}</div>
          <div class="verdict-detail">{v.detail}</div>
          {props.drift?.latest && <div class="verdict-when">last check {ago(props.drift.latest.at)}</div>}
        </div>
      </div>
      <div class="kpis">
        {/* The production model's score: the figure `models`, GET /scoring and the PDF show. */}
        <Kpi label="F1" value={num(model?.score?.f1)} hint={model?.score ? `on ${model.score.measuredOn}` : 'not scored'} testid="production-f1" />
        <Kpi label="Precision" value={pct(cur?.precision)} delta={delta('precision')} hint="of flagged clients who leave" />
        <Kpi label="Recall" value={pct(cur?.recall)} delta={delta('recall')} hint="of leavers flagged" />
        <Kpi label="ROC AUC" value={num(cur?.rocAuc)} delta={delta('rocAuc')} hint="ranking quality" />
        <Kpi label="Current clients scored" value={int(pop?.rows)} hint={pop ? `${int(pop.aboveThreshold)} above threshold ${pop.threshold}` : ''} />
        <Kpi label={`Top-${cur?.topK.k ?? '?'} precision`} value={pct(cur?.topK.precision)} hint="leavers among the calls" />
      </div>
    </section>
  );
}
