import { useEffect, useState } from 'preact/hooks';
import { downloadRiskCsv, getJson, type Population, type RiskList, type RiskRank } from '../api';
import { HistogramChart } from '../charts/histogram-chart';
import { ClientPanel } from './client-panel';
import { ImportancePanel } from './importance';
import { formatAmount, formatExpected, formatRisk, formatShare, int, riskPrecisionNote, riskStep } from '../format';

const MAX_CAPACITY = 10_000;

/**
 * The call list: the top-K current clients by risk (clients who left are not on it; the server
 * says which population it ranked and the page shows that sentence), K set by how many the managers can call (default:
 * config top_k). With config value_column the list can be ordered by expected loss (probability ×
 * value) instead: a toggle that asks the server again (?rank=), which keeps each order cached.
 * The list is fetched again when K or the order changes; CSV comes from the same route.
 */
export function RiskSection({ production, population, initial, ece }: { production: string | null; population?: Population; initial?: RiskList; ece?: number }) {
  const [capacity, setCapacity] = useState<number>(initial?.rows.length ?? population?.topK ?? 100);
  const [list, setList] = useState<RiskList | undefined>(initial);
  // The order the server ranked by (config risk.rank_by) until the reader picks one.
  const [rank, setRank] = useState<RiskRank>(initial?.summary.rank ?? 'probability');
  const [error, setError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  // The client whose panel is open (a click on its row; Close or Escape closes it).
  const [selected, setSelected] = useState<string | null>(null);
  // What is typed in the number box, until Enter or leaving the box commits it. Bound to the
  // input instead of `capacity`: a re-render while typing (a list arriving) would otherwise put
  // the committed value back into the box and lose the keystrokes.
  const [draft, setDraft] = useState<string>(String(capacity));
  useEffect(() => setDraft(String(capacity)), [capacity]);
  const maxK = Math.max(1, Math.min(MAX_CAPACITY, population?.rows ?? MAX_CAPACITY));

  useEffect(() => {
    // No model in production: nothing to rank (the route would answer 503).
    if (!production) return;
    if (list && list.summary.rank === rank && list.rows.length === Math.min(capacity, population?.rows ?? capacity)) return;
    const ctl = new AbortController();
    const t = setTimeout(() => {
      getJson<RiskList>(`risk?top=${capacity}&rank=${rank}`, ctl.signal)
        .then((r) => {
          setList(r);
          setError(null);
        })
        .catch((e: Error) => {
          if (e.name !== 'AbortError') setError(e.message);
        });
    }, 150); // typing 250 fetches once, not three times
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [capacity, production, rank]);

  // What was ranked, as the server says it (the list's own statement, else /population's).
  const ranked = list?.population ?? population?.population;
  const rows = list?.rows ?? [];
  const shown = rows.slice(0, capacity);
  // The list on screen may be one being replaced: the order it shows is its own.
  const shownRank = list?.summary.rank ?? rank;
  const valueColumn = list?.valueColumn ?? null;
  // Ordered by expected loss, the list has no probability cut-off to mark on the histogram.
  const cutoff = shown.length && shownRank === 'probability' ? shown[shown.length - 1].probability : null;
  // What the listed clients cover: the server's sums for its top K (the slice's own while a shorter K is being fetched).
  const sum = list && shown.length === list.summary.clients ? list.summary : undefined;
  const leavers = sum?.expectedLeavers ?? shown.reduce((a, r) => a + r.probability, 0);
  const loss = sum ? sum.expectedLoss : valueColumn ? shown.reduce((a, r) => a + (r.expectedLoss ?? 0), 0) : null;
  const total = list?.summary.population;
  // Risks at the precision the model's calibration supports (the PDF's risk page does the same).
  const step = riskStep(ece);
  const setK = (v: number) => {
    const k = Math.max(1, Math.min(maxK, Math.round(Number.isFinite(v) ? v : 1)));
    setCapacity(k);
    setDraft(String(k)); // a clamped entry shows the value used
  };

  return (
    <section id="risk" class="card" aria-labelledby="risk-h">
      <div class="section-head">
        <h2 id="risk-h">Clients to call</h2>
        <div class="controls">
          {valueColumn && (
            <div class="rank-toggle" role="group" aria-label="order the call list by" data-testid="rank-toggle">
              <span>Order by</span>
              {(['probability', 'expected_loss'] as const).map((r) => (
                <button type="button" class={`button toggle${rank === r ? ' on' : ''}`} aria-pressed={rank === r} data-testid={`rank-${r}`} onClick={() => setRank(r)}>
                  {r === 'probability' ? 'risk' : 'expected loss'}
                </button>
              ))}
            </div>
          )}
          <label class="capacity">
            <span>Calls the team can make</span>
            <input type="range" min="1" max={Math.min(maxK, 1000)} value={Math.min(capacity, 1000)} onInput={(e) => setK(Number((e.target as HTMLInputElement).value))} aria-label="capacity slider" />
            <input type="number" min="1" max={maxK} value={draft} data-testid="capacity" onInput={(e) => setDraft((e.target as HTMLInputElement).value)} onChange={(e) => setK(Number((e.target as HTMLInputElement).value))} aria-label="capacity" />
          </label>
          <button
            type="button"
            class="button"
            data-testid="download-csv"
            disabled={downloading || !production || shown.length === 0}
            onClick={async () => {
              setDownloading(true);
              try {
                setNote(`downloaded ${await downloadRiskCsv(capacity, rank)}`);
              } catch (e) {
                setNote((e as Error).message);
              } finally {
                setDownloading(false);
              }
            }}
          >
            {downloading ? 'Preparing…' : 'Download CSV'}
          </button>
        </div>
      </div>
      {ranked && (
        <p class="population-note" data-testid="population-note">
          <strong>Who is ranked:</strong> {ranked.description}
        </p>
      )}
      {production ? (
        <p class="muted">
          {`${int(shown.length)} ${shownRank === 'probability' ? 'highest-risk of' : 'with the highest expected loss (risk × ' + (valueColumn ?? 'value') + ') among'} ${int(ranked?.clients ?? population?.rows)} current clients, scored by ${list?.version ?? production}`}
          {cutoff !== null && ` · lowest risk on the list ${formatRisk(cutoff, step)}`}
          {shown.length > 0 && ` · ${riskPrecisionNote(ece, step)}`}
          {note && ` · ${note}`}
        </p>
      ) : (
        <p class="muted" data-testid="risk-empty">No model in production yet: the call list appears after the first `riskwatch run` (or `riskwatch deploy`).</p>
      )}
      {production && shown.length > 0 && (
        <p class="risk-summary" data-testid="risk-summary">
          <strong>{`These ${int(shown.length)} cover`}</strong>{' '}
          <span data-testid="summary-leavers">{`about ${formatExpected(leavers)} expected leavers`}</span>
          {total && total.expectedLeavers > 0 && ` (${formatShare(leavers / total.expectedLeavers)} of the ${formatExpected(total.expectedLeavers)} expected among all current clients)`}
          {loss !== null && valueColumn && (
            <>
              {' and '}
              <span data-testid="summary-loss">{`an expected loss of ${formatAmount(loss)} in ${valueColumn}`}</span>
              {total && total.expectedLoss !== null && total.expectedLoss > 0 && ` (${formatShare(loss / total.expectedLoss)} of the ${formatAmount(total.expectedLoss)} at risk across them all)`}
              {sum && sum.withoutValue ? `; ${int(sum.withoutValue)} of them have no ${valueColumn}` : ''}
            </>
          )}
          .
        </p>
      )}
      {error && <p class="error">{error}</p>}
      <div class="grid-2 risk-grid">
        {production && <div class="table-wrap risk-table">
          <table data-testid="risk-table">
            <thead>
              <tr>
                <th class="num">rank</th>
                <th>client</th>
                <th class="num">risk of leaving</th>
                {valueColumn && <th class="num">{valueColumn}</th>}
                {valueColumn && <th class="num">expected loss</th>}
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.rank} class={`client-row${selected === r.id ? ' selected' : ''}`} data-testid="risk-row" tabIndex={0} title="why this client? (opens its panel)" onClick={() => setSelected(r.id)} onKeyDown={(e) => e.key === 'Enter' && setSelected(r.id)}>
                  <td class="num">{r.rank}</td>
                  <td>{r.id}</td>
                  <td class="num">
                    <span class="risk-bar" style={{ width: `${Math.round(r.probability * 100)}%` }} />
                    {formatRisk(r.probability, step)}
                  </td>
                  {valueColumn && <td class="num">{formatAmount(r.value)}</td>}
                  {valueColumn && <td class="num">{formatAmount(r.expectedLoss)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>}
        {population && (
          <HistogramChart
            id="population"
            title="Risk across the current clients"
            subtitle={`${int(population.rows)} current clients scored by ${population.version}`}
            edges={population.histogram.edges}
            series={[{ name: 'clients', shares: population.histogram.counts, color: '#2563eb' }]}
            xLabel="predicted risk of leaving"
            yLabel="clients"
            yFormat={(v) => int(v)}
            marks={[
              { x: population.threshold, label: `threshold ${population.threshold}`, color: '#dc2626' },
              ...(cutoff !== null ? [{ x: cutoff, label: `call-list cut-off (top ${shown.length})`, color: '#16a34a' }] : []),
            ]}
          />
        )}
      </div>
      {production && selected && <ClientPanel id={selected} step={step} onClose={() => setSelected(null)} />}
      <ImportancePanel production={production} />
    </section>
  );
}
