import { useEffect, useState } from 'preact/hooks';
import { getJson, type ClientExplanation } from '../api';
import { Waterfall, waterfallSteps } from '../charts/waterfall';
import { formatRisk } from '../format';

const figure = (v: number | string | null) => (v === null ? 'missing' : typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : v);

/**
 * A client of the call list, explained (GET /explanation): its risk, its reasons as a waterfall
 * from the base log-odds to its own, the reason texts, and each value against the clients who
 * stayed. Contributions are associations the model learned, not causes — the panel says so.
 */
export function ClientPanel({ id, step, onClose }: { id: string; step: number; onClose: () => void }) {
  const [e, setE] = useState<ClientExplanation | undefined>();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    setE(undefined);
    setError(null);
    getJson<ClientExplanation>(`explanation?id=${encodeURIComponent(id)}`, ctl.signal)
      .then(setE)
      .catch((err: Error) => {
        if (err.name !== 'AbortError') setError(err.message);
      });
    return () => ctl.abort();
  }, [id]);
  useEffect(() => {
    const key = (ev: KeyboardEvent) => ev.key === 'Escape' && onClose();
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, [onClose]);
  const labels = Object.fromEntries((e?.features ?? []).map((f) => [f.feature, f.label]));
  return (
    <div class="client-panel card" role="dialog" aria-labelledby="client-h" data-testid="client-panel">
      <div class="section-head">
        <h3 id="client-h">{`Client ${id}`}</h3>
        <button type="button" class="button" data-testid="client-close" aria-label="close the client panel" onClick={onClose}>
          Close
        </button>
      </div>
      {error && <p class="error">{error}</p>}
      {!e && !error && <p class="muted">Loading…</p>}
      {e && (
        <>
          <p class="client-risk" data-testid="client-risk">
            <strong>{`Risk of leaving ${formatRisk(e.probability, step)}`}</strong>
            {` · rank ${e.rank} by risk · model ${e.version}`}
          </p>
          <h4>Why</h4>
          <ol class="reasons" data-testid="client-reasons">
            {e.reasons.map((r) => (
              <li data-testid="client-reason">{r.text}</li>
            ))}
          </ol>
          {e.reasons.length === 0 && <p class="muted">No feature pushes this client's risk above the average client's.</p>}
          {e.keeping && (
            <p class="keeping" data-testid="client-keeping">
              <strong>Keeping them:</strong> {e.keeping.text}
            </p>
          )}
          <Waterfall steps={waterfallSteps(e.base, e.contributions, labels)} />
          <p class="muted small">Each bar is a feature's contribution to the log-odds (red: towards leaving, green: towards staying). What the model associates with leaving in the data — not what causes it.</p>
          <h4>Against clients who stayed</h4>
          <table class="compare" data-testid="client-compare">
            <thead>
              <tr>
                <th>feature</th>
                <th class="num">this client</th>
                <th class="num">clients who stay</th>
                <th class="num">contribution</th>
              </tr>
            </thead>
            <tbody>
              {e.features.map((f) => (
                <tr>
                  <td>{f.label}</td>
                  <td class="num">{figure(f.value)}</td>
                  <td class="num">{f.stayers === null ? '—' : 'mean' in f.stayers ? (f.stayers.mean === null ? '—' : `mean ${figure(f.stayers.mean)}`) : `${Math.round(f.stayers.share * 100)}% ${f.value === null ? 'missing' : 'have it'}`}</td>
                  <td class="num">{(f.contribution >= 0 ? '+' : '') + f.contribution.toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
