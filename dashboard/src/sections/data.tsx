import type { Diagnosis } from '../api';
import { BarChart } from '../charts/bar-chart';
import { formatStat, int, pct } from '../format';

export function DataSection({ diagnosis }: { diagnosis?: Diagnosis }) {
  if (!diagnosis) return null;
  const cols = Object.entries(diagnosis.summary);
  const missing = Object.entries(diagnosis.missing);
  const rejected = Object.entries(diagnosis.rejected ?? {});
  return (
    <section id="data" class="card" aria-labelledby="data-h">
      <h2 id="data-h">Data</h2>
      <p class="muted">{diagnosis.dataset ? `${int(diagnosis.dataset.rows)} rows ingested · dataset ${diagnosis.dataset.hash.slice(0, 12)}` : 'nothing ingested yet'}</p>
      {/* The table in full figures (2,251, not 2.3k) needs the whole width: the chart goes below it. */}
      <div class="stack">
        <div class="table-wrap">
          <table data-testid="summary-table">
            <caption>Summary statistics</caption>
            <thead>
              <tr>
                <th>column</th>
                <th class="num">count</th>
                <th class="num">mean</th>
                <th class="num">std</th>
                <th class="num">min</th>
                <th class="num">25%</th>
                <th class="num">median</th>
                <th class="num">75%</th>
                <th class="num">max</th>
              </tr>
            </thead>
            <tbody>
              {cols.map(([name, s]) => (
                <tr key={name}>
                  <td>{name}</td>
                  <td class="num">{int(s.count)}</td>
                  {s.unique !== undefined ? (
                    // A category column: pandas' describe() of text instead of the numeric statistics.
                    <td colSpan={7}>{`${int(s.unique)} categories · most frequent ${JSON.stringify(s.top ?? '')} (${int(s.freq ?? 0)})`}</td>
                  ) : (
                    <>
                  <td class="num">{formatStat(s.mean)}</td>
                  <td class="num">{formatStat(s.std)}</td>
                  <td class="num">{formatStat(s.min)}</td>
                  <td class="num">{formatStat(s.q25)}</td>
                  <td class="num">{formatStat(s.median)}</td>
                  <td class="num">{formatStat(s.q75)}</td>
                  <td class="num">{formatStat(s.max)}</td>
                    </>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {rejected.length > 0 && <p class="muted">{`Last ingestion rejected: ${rejected.map(([k, v]) => `${k} ${v}`).join(', ')}`}</p>}
        </div>
        {missing.length > 0 && <BarChart id="missing" title="Missing data" subtitle="share of rows with an empty cell" categories={missing.map(([k]) => k)} series={[{ name: 'missing share', values: missing.map(([, v]) => v), color: '#9333ea' }]} xLabel="share of rows" yLabel="column" format={(v) => pct(v, 1)} maxValue={0.02} />}
      </div>
    </section>
  );
}
