import type { Distributions, FeatureDistribution } from '../api';
import { HistogramChart } from '../charts/histogram-chart';
import { formatPoints, int, num, pct } from '../format';
import { Badge, CategoryCard } from './category-card';

function FeatureCard({ f, source }: { f: FeatureDistribution; source: string }) {
  const d = f.drift;
  return (
    <div class="feature-card">
      <HistogramChart
        id={`drift-${f.feature}`}
        title={f.feature}
        subtitle={d ? `${d.method === 'ks' ? 'KS' : 'Wasserstein'} decides` : 'no current data'}
        edges={f.reference.edges}
        series={[{ name: `reference (training, n=${int(f.reference.n)})`, shares: f.reference.shares, color: '#64748b' }, ...(f.current ? [{ name: `current (${source}, n=${int(f.current.n)})`, shares: f.current.shares, color: '#ea580c' }] : [])]}
        xLabel={f.feature}
        openEnded={f.openEnded}
        compactSize
      />
      {d && (
        <dl class="figures">
          <div><dt>level</dt><dd><Badge level={d.level} /></dd></div>
          <div><dt>KS statistic</dt><dd>{num(d.ks.statistic)}</dd></div>
          <div><dt>KS p-value</dt><dd>{d.ks.pValue < 1e-4 ? d.ks.pValue.toExponential(1) : num(d.ks.pValue, 4)}</dd></div>
          <div><dt>Wasserstein / std</dt><dd>{num(d.wasserstein)}</dd></div>
          <div><dt>PSI</dt><dd>{`${num(d.psi.value)} (${d.psi.level})`}</dd></div>
          <div><dt>missing change</dt><dd data-testid="missing-change">{formatPoints(d.missingRateChange)}</dd></div>
          <div><dt>outside ref. range</dt><dd>{pct(d.outOfRangeShare)}</dd></div>
        </dl>
      )}
    </div>
  );
}

export function DriftSection({ distributions, error }: { distributions?: Distributions; error?: string }) {
  return (
    <section id="drift" class="card" aria-labelledby="drift-h">
      <h2 id="drift-h">Drift per feature</h2>
      {error && <p class="error">{error}</p>}
      {!error && !distributions && <p class="muted">No model in production yet: drift is measured against a deployed model's training data.</p>}
      {distributions && (
        <>
          <p class="muted">{distributions.current ? `Training reference of ${distributions.version} against the latest ingested data: ${distributions.current.source} (${int(distributions.current.rows)} rows).` : 'No ingested file is available to compare with.'}</p>
          <div class="feature-grid">
            {distributions.features.map((f) => (
              <FeatureCard key={f.feature} f={f} source="latest batch" />
            ))}
            {(distributions.categoryFeatures ?? []).map((f) => (
              <CategoryCard key={f.feature} f={f} source="latest batch" />
            ))}
            {distributions.prediction && <FeatureCard f={distributions.prediction} source="latest batch" />}
          </div>
        </>
      )}
    </section>
  );
}
