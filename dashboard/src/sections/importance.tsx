import { useEffect, useState } from 'preact/hooks';
import { getJson, type ImportanceView } from '../api';
import { BarChart } from '../charts/bar-chart';
import { int } from '../format';

/**
 * Global importance (GET /importance): mean |contribution| per feature over the current clients,
 * for the production version. A gbdt model's own total gain (a different measure) is the Model
 * family card's chart; this one's subtitle points there. Fetched again when the production version changes.
 */
export function ImportancePanel({ production }: { production: string | null }) {
  const [imp, setImp] = useState<ImportanceView | undefined>();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!production) return;
    const ctl = new AbortController();
    getJson<ImportanceView>('importance', ctl.signal)
      .then((v) => (setImp(v), setError(null)))
      .catch((e: Error) => e.name !== 'AbortError' && setError(e.message));
    return () => ctl.abort();
  }, [production]);
  if (!production) return null;
  if (error) return <p class="error">{`Importance: ${error}`}</p>;
  if (!imp) return null;
  const feats = imp.features.map((f) => f.feature);
  return (
    <div class="grid-2 importance" data-testid="importance">
      <BarChart
        id="importance"
        title="What drives the risk: mean |contribution|"
        subtitle={`${int(imp.clients)} current clients, ${imp.version} · how far each feature moves a client's log-odds on average (associations, not causes)${imp.gain ? ' · the trees\' own total gain: the Model family card' : ''}`}
        categories={feats}
        series={[{ name: 'mean |contribution|', values: imp.features.map((f) => f.meanAbs), color: '#2563eb' }]}
        xLabel="mean |contribution| (log-odds)"
        format={(v) => v.toFixed(2)}
      />
    </div>
  );
}
