import type { Diagnosis, Distributions, DriftLatest, Evaluation, ClassificationMetrics, ModelListing, Population, CommandRecord } from '../api';
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

function Kpi({ label, value, delta, hint, against, testid }: { label: string; value: string; delta?: number | null; hint?: string; against?: string | null; testid?: string }) {
  const d = delta === undefined || delta === null || !Number.isFinite(delta) ? null : delta;
  return (
    <div class="kpi" data-testid={testid}>
      <div class="kpi-label">{label}</div>
      <div class="kpi-value">{value}</div>
      <div class="kpi-hint">
        {d !== null && <span class={d > 0.0005 ? 'up' : d < -0.0005 ? 'down' : 'flat'}>{`${d > 0 ? '▲' : d < 0 ? '▼' : '■'} ${Math.abs(d * 100).toFixed(1)} pts vs ${against ?? 'previous version'}`}</span>}
        {d === null && hint}
      </div>
    </div>
  );
}

export function Overview(props: { models?: { models: ModelListing[]; production: string | null }; drift?: DriftLatest; evaluation?: Evaluation; diagnosis?: Diagnosis; population?: Population; distributions?: Distributions; runs?: CommandRecord[] }) {
  const production = props.models?.production ?? null;
  const v = verdict(props.drift, production);
  const evals = (props.evaluation?.versions ?? []).filter((e) => e.metrics);
  const idx = evals.findIndex((e) => e.version === production);
  const cur: ClassificationMetrics | null = idx >= 0 ? evals[idx].metrics : null;
  const prev: ClassificationMetrics | null = idx > 0 ? evals[idx - 1].metrics : null;
  const delta = (k: 'f1' | 'precision' | 'recall' | 'rocAuc' | 'prAuc') => (cur && prev && cur[k] !== null && prev[k] !== null ? (cur[k] as number) - (prev[k] as number) : null);
  const model = props.models?.models.find((m) => m.version === production);
  const pop = props.population;
  const prevVersion = idx > 0 ? evals[idx - 1].version : null;
  const k = cur?.topK.k ?? pop?.topK ?? null;
  // What each figure was measured on: the quality figures on the fixed test data, the verdict on
  // the newest data the last run checked — they can disagree (a model chosen on new data may
  // score lower on older test rows), so each says which rows it speaks for.
  const data = props.evaluation?.data;
  const testNote = cur && data ? `Precision, recall, ROC AUC and top-${k} precision: scored on the test data (${int(data.rows)} rows, ${int(data.positives)} leavers), the same fixed rows for every version, not the newest clients${prevVersion ? `; ▲▼ against ${prevVersion} on those rows` : ''}. F1: the production model's score, on the rows it names.` : null;
  const newest = props.distributions?.current;
  const deployedBy = production ? props.runs?.find((r) => r.command === 'run' && r.detail.deployed === production) : undefined;
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
          {props.drift?.latest && <div class="verdict-when" data-testid="verdict-on">{`last check ${ago(props.drift.latest.at)}${newest ? ` · on the newest data: ${newest.source} (${int(newest.rows)} rows)` : ''}`}</div>}
        </div>
      </div>
      <div class="kpis">
        {/* The production model's score: the figure `models`, GET /scoring and the PDF show. */}
        <Kpi label="F1" value={num(model?.score?.f1)} hint={model?.score ? `on ${model.score.measuredOn}` : 'not scored'} testid="production-f1" />
        <Kpi label="Precision" value={pct(cur?.precision)} delta={delta('precision')} against={prevVersion} hint="of flagged clients who leave" />
        <Kpi label="Recall" value={pct(cur?.recall)} delta={delta('recall')} against={prevVersion} hint="of leavers flagged" />
        <Kpi label="ROC AUC" value={num(cur?.rocAuc)} delta={delta('rocAuc')} against={prevVersion} hint="ranking quality" />
        <Kpi label="Current clients scored" value={int(pop?.rows)} hint={pop ? `${int(pop.aboveThreshold)} above threshold ${pop.threshold}` : ''} />
        <Kpi label={k ? `Top-${k} precision` : 'Call-list precision'} value={pct(cur?.topK.precision)} hint={k ? `leavers among the ${k} highest-risk test rows` : 'leavers among the highest-risk rows'} />
      </div>
      {testNote && <p class="muted measured-on" data-testid="measured-on">{testNote}</p>}
      {deployedBy?.detail.reason && <p class="muted measured-on" data-testid="why-production">{`Why ${production} is in production (run #${deployedBy.id}): ${deployedBy.detail.reason}.`}</p>}
    </section>
  );
}
