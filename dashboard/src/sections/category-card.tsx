import type { CategoryDistribution } from '../api';
import { BarChart } from '../charts/bar-chart';
import { formatPoints, int, num, pct } from '../format';

/** Bars drawn per category feature: the largest categories of either side; the rest summed in one bar. */
const MAX_BARS = 12;

export function Badge({ level }: { level: string }) {
  return <span class={`badge level-${level}`}>{level}</span>;
}

// A p-value below double precision's smallest number is 0: said as a bound, not "0.0e+0".
const pValue = (p: number) => (p === 0 ? '< 1e-300' : p < 1e-4 ? p.toExponential(1) : num(p, 4));

/**
 * A category feature's drift card: bars of each category's share, reference (training) against
 * the latest batch, categories training never had marked "(new)" on a pale band, the deciding
 * test's figures, and every new category listed with its share of the current rows.
 */
export function CategoryCard({ f, source }: { f: CategoryDistribution; source: string }) {
  const d = f.drift;
  const hasCurrent = f.current !== null;
  const shown = f.categories.slice(0, MAX_BARS);
  const rest = f.categories.slice(MAX_BARS);
  const others = rest.length || f.others ? { count: rest.length + (f.others?.categories ?? 0), reference: rest.reduce((s, c) => s + c.reference, 0) + (f.others?.reference ?? 0), current: rest.reduce((s, c) => s + (c.current ?? 0), 0) + (f.others?.current ?? 0) } : null;
  // The axis keeps "(new)" visible: a long name is cut before it (the tooltip names it in full).
  const names = [...shown.map((c) => (c.unseen ? `${c.category} (new)` : c.category)), ...(others ? [`${int(others.count)} others`] : [])];
  const labels = [...shown.map((c) => (c.unseen ? `${c.category.length > 15 ? `${c.category.slice(0, 14)}…` : c.category} (new)` : c.category)), ...(others ? [`${int(others.count)} others`] : [])];
  const series = [
    { name: `reference (training, n=${int(f.reference.n)})`, values: [...shown.map((c) => c.reference), ...(others ? [others.reference] : [])], color: '#64748b' },
    ...(hasCurrent ? [{ name: `current (${source}, n=${int(f.current!.n)})`, values: [...shown.map((c) => c.current ?? 0), ...(others ? [others.current] : [])], color: '#ea580c' }] : []),
  ];
  const decided = d ? (d.method === 'chi2' ? 'chi-square decides' : 'Jensen–Shannon decides') : 'no current data';
  return (
    <div class="feature-card" data-testid={`category-card-${f.feature}`}>
      <BarChart
        id={`drift-${f.feature}`}
        title={`${f.feature}: share of rows per category`}
        subtitle={`${decided} · missing cells left out`}
        categories={names}
        labels={labels}
        series={series}
        xLabel="share of rows"
        format={(v) => pct(v, 1)}
        marked={{ rows: [...shown.map((c) => c.unseen), ...(others ? [false] : [])], label: 'never seen in training' }}
      />
      {d && (
        <dl class="figures">
          <div><dt>level</dt><dd><Badge level={d.level} /></dd></div>
          {d.method === 'chi2' ? <div><dt>chi-square p</dt><dd>{pValue(d.chi2.pValue)}</dd></div> : <div><dt>Jensen–Shannon</dt><dd>{num(d.jensenShannon)}</dd></div>}
          {d.method === 'chi2' ? <div><dt>Jensen–Shannon</dt><dd>{num(d.jensenShannon)}</dd></div> : <div><dt>chi-square p</dt><dd>{pValue(d.chi2.pValue)}</dd></div>}
          <div><dt>PSI</dt><dd>{`${num(d.psi.value)} (${d.psi.level})`}</dd></div>
          <div><dt>new categories</dt><dd data-testid="unseen-share">{pct(d.unseenShare, 1)}</dd></div>
          <div><dt>missing change</dt><dd data-testid="missing-change">{formatPoints(d.missingRateChange)}</dd></div>
        </dl>
      )}
      {hasCurrent && (
        <div class="unseen" data-testid={`unseen-${f.feature}`}>
          {f.unseen.length === 0 ? (
            <p class="muted">Every category in the {source} was in the training data.</p>
          ) : (
            <>
              <p class="unseen-head">
                Never seen in training: {pct(f.unseenShare ?? 0, 1)} of the {source}'s rows
              </p>
              <ul>
                {f.unseen.map((u) => (
                  <li key={u.category}>
                    <span class="unseen-name">{u.category}</span> <span class="unseen-share">{pct(u.share, 1)}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}
