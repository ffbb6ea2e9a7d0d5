import type { DependencyHealth, Diagnosis, CommandRecord } from '../api';
import { BarChart } from '../charts/bar-chart';
import { seconds, when } from '../format';

export function Timings({ diagnosis }: { diagnosis?: Diagnosis }) {
  const t = Object.entries(diagnosis?.timings ?? {});
  if (!t.length) return null;
  return (
    <BarChart
      id="timings"
      title="Step timings"
      subtitle="over recorded runs"
      categories={t.map(([k, v]) => `${k} (${v.runs} runs)`)}
      series={[
        { name: 'median (p50)', values: t.map(([, v]) => v.p50), color: '#2563eb' },
        { name: '95th percentile', values: t.map(([, v]) => v.p95), color: '#93c5fd' },
      ]}
      xLabel="duration per run"
      yLabel="step"
      format={seconds}
    />
  );
}

export function Dependencies({ health, error }: { health?: DependencyHealth; error?: string }) {
  return (
    <div class="deps" data-testid="dependencies">
      <h3>Dependency health</h3>
      {!health && !error && <p class="muted">checking npm outdated and audit…</p>}
      {error && <p class="error">{error}</p>}
      {health && (
        <>
          <p>
            <span class={`badge status-${health.status}`}>{health.status}</span> {health.problems.join('; ')}
          </p>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>package</th>
                  <th>installed</th>
                  <th>latest</th>
                  <th class="num">advisories</th>
                </tr>
              </thead>
              <tbody>
                {health.packages.map((p) => (
                  <tr key={p.name} class={p.advisories ? 'row-bad' : p.latest && p.current && p.latest !== p.current ? 'row-warn' : ''}>
                    <td>{p.name}</td>
                    <td>{p.current ?? '—'}</td>
                    <td>{p.latest ?? '—'}</td>
                    <td class="num">{p.advisories ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

function decision(r: CommandRecord): string {
  const d = r.detail;
  if (r.error) return 'failed';
  if (d.deployed) return `deployed ${d.deployed}`;
  if (d.retrained) return 'retrained, kept champion';
  if (r.outcome === 'noop') return 'no new data';
  if (r.outcome === 'completed') return 'no change';
  return r.outcome ?? r.status;
}

export function RunHistory({ runs }: { runs?: CommandRecord[] }) {
  const list = (runs ?? []).filter((r) => r.command === 'run');
  return (
    <section id="runs" class="card" aria-labelledby="runs-h">
      <h2 id="runs-h">Run history</h2>
      <div class="table-wrap">
        <table data-testid="runs-table">
          <thead>
            <tr>
              <th>run</th>
              <th>started</th>
              <th>decision</th>
              <th>drift</th>
              <th>reason</th>
              <th class="num">time</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.id} class={r.error ? 'row-bad' : r.detail.deployed ? 'row-good' : ''}>
                <td>{r.id}</td>
                <td class="nowrap">{when(r.startedAt)}</td>
                <td class="nowrap">{decision(r)}</td>
                <td class="nowrap">
                  {r.detail.drift
                    ? (['dataset', 'prediction', 'model'] as const).map((k) => (
                        <span key={k} class={`chip ${r.detail.drift![k] ? 'on' : ''}`} title={`${k} drift: ${r.detail.drift![k] ? 'yes' : 'no'}`}>
                          {k[0].toUpperCase()}
                        </span>
                      ))
                    : '—'}
                </td>
                <td>{r.error ?? r.detail.reason ?? ''}</td>
                <td class="num">{seconds(r.timings?.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="muted">Drift chips: D dataset, P prediction, M model (filled = detected).</p>
    </section>
  );
}
