import type { ModelFamilyView } from '../api';
import { BarChart } from '../charts/bar-chart';
import { int, num } from '../format';

const NAMES = { logistic: 'logistic regression', gbdt: 'gradient-boosted trees' } as const;

/** One sentence: which family is in production and why (the selection's figures, or the config). */
export function familyWhy(f: ModelFamilyView): string {
  const name = `${f.version} is ${NAMES[f.family]} (${f.family})`;
  const s = f.selection;
  if (!s) return `${name}: configured (model.family "${f.family}").`;
  const win = s.candidates.find((c) => c.family === s.winner);
  const others = s.candidates.filter((c) => c !== win);
  if (!win || others.length === 0) return `${name}: model.family "auto", the only candidate (too few rows for the other family).`;
  const vs = others.map((c) => `${c.family} ${num(c.logLoss, 4)}`).join(', ');
  return `${name}: chosen by model.family "auto" — the lower log loss on ${int(s.validationRows)} validation rows (${num(win.logLoss, 4)} vs ${vs}).`;
}

/** Which model family is in production and why; for trees their size and what they split on most. */
export function FamilySection({ family }: { family?: ModelFamilyView }) {
  if (!family) return null;
  const s = family.selection;
  const imp = family.importance?.filter((r) => r.gain > 0) ?? [];
  return (
    <section id="family" class="card" aria-labelledby="family-h" data-testid="family-card">
      <h2 id="family-h">Model family</h2>
      <p data-testid="family-why">{familyWhy(family)}</p>
      <div class="grid-2">
      <div>
      {s && (
        <div class="table-wrap">
          <table data-testid="family-candidates">
            <caption class="muted">{`Candidates fitted on the training rows less ${Math.round(s.validationShare * 100)}% of each class, scored on those ${int(s.validationRows)} rows; the winner refitted on all rows.`}</caption>
            <thead>
              <tr>
                <th scope="col">Family</th>
                <th scope="col">Validation log loss</th>
                <th scope="col">Validation ROC AUC</th>
                <th scope="col">Fitting time</th>
              </tr>
            </thead>
            <tbody>
              {s.candidates.map((c) => (
                <tr key={c.family} class={c.family === s.winner ? 'winner' : ''}>
                  <td>{`${c.family}${c.family === s.winner ? ' ✓ chosen' : ''}`}</td>
                  <td>{num(c.logLoss, 4)}</td>
                  <td>{num(c.rocAuc, 4)}</td>
                  <td>{`${int(Math.round(c.ms))} ms`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {family.trees && <p class="muted" data-testid="family-trees">{`${int(family.trees.count)} trees, ${int(family.trees.leaves)} leaves in all (largest tree ${int(family.trees.maxLeaves)} leaves; max_leaves ${int(family.trees.maxLeavesSetting)}).`}</p>}
      </div>
      {imp.length > 0 && (
        <BarChart
          id="family-gain"
          title="What the trees split on"
          subtitle="Each feature's total gain: the training loss its splits removed (splits in the tooltip)"
          categories={imp.map((r) => r.feature)}
          series={[{ name: 'total gain', values: imp.map((r) => r.gain) }]}
          xLabel="total gain (log loss reduction)"
          format={(v) => (v >= 1000 ? `${Math.round(v / 100) / 10}k` : v >= 10 || v === 0 ? String(Math.round(v)) : v.toFixed(1))}
        />
      )}
      </div>
    </section>
  );
}
