import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson, type DependencyHealth, type Diagnosis, type Distributions, type DriftLatest, type Evaluation, type ModelFamilyView, type ModelListing, type Population, type RiskList, type CommandRecord } from './api';
import { Overview } from './sections/overview';
import { FamilySection } from './sections/family';
import { Quality } from './sections/quality';
import { RiskSection } from './sections/risk';
import { DriftSection } from './sections/drift';
import { DataSection } from './sections/data';
import { Dependencies, RunHistory, Timings } from './sections/operations';
import { SignOut } from './sections/session';
import { when } from './format';
import './style.css';

interface State {
  models?: { models: ModelListing[]; production: string | null };
  drift?: DriftLatest;
  evaluation?: Evaluation;
  distributions?: Distributions;
  diagnosis?: Diagnosis;
  population?: Population;
  risk?: RiskList;
  runs?: { runs: CommandRecord[] };
  family?: ModelFamilyView;
}

declare global {
  interface Window {
    /** ms from navigation start to the first render with data (read by the browser test). */
    __riskwatchRendered?: number;
  }
}

const SOURCES: Array<[keyof State, string]> = [
  ['drift', 'drift'],
  ['evaluation', 'evaluation'],
  ['diagnosis', 'diagnostics'],
  ['runs', 'runs?limit=50'],
];
/** Routes that answer 503 while no model is in production: asked for only when one is. */
const NEED_MODEL: Array<[keyof State, string]> = [
  ['distributions', 'distributions'],
  ['population', 'population'],
  ['risk', 'risk'],
  ['family', 'family'],
];

function App() {
  const [state, setState] = useState<State | null>(null);
  const [errors, setErrors] = useState<Partial<Record<keyof State, string>>>({});
  const [deps, setDeps] = useState<{ health?: DependencyHealth; error?: string }>({});
  const [loadedAt, setLoadedAt] = useState<string>('');

  const load = async () => {
    // The model listing first: before any deployment the model's routes answer 503, which the
    // browser would log as errors — they are not asked for then, and the page says why instead.
    // The rest at once; one failing route leaves the others usable.
    const next: State = {};
    const errs: Partial<Record<keyof State, string>> = {};
    let sources = SOURCES;
    try {
      next.models = await getJson<State['models']>('models');
      if (next.models?.production) sources = [...SOURCES, ...NEED_MODEL];
    } catch (e) {
      errs.models = (e as Error).message;
    }
    const settled = await Promise.allSettled(sources.map(([, path]) => getJson<unknown>(path)));
    settled.forEach((s, i) => {
      const key = sources[i][0];
      if (s.status === 'fulfilled') (next as Record<string, unknown>)[key] = s.value;
      else errs[key] = (s.reason as Error).message;
    });
    setState(next);
    setErrors(errs);
    setLoadedAt(new Date().toISOString());
  };

  useEffect(() => {
    void load();
  }, []);

  useEffect(() => {
    if (state && window.__riskwatchRendered === undefined) {
      requestAnimationFrame(() => {
        window.__riskwatchRendered = performance.now();
        document.body.dataset.ready = 'true';
        // Dependency health runs npm (network, two child processes) on the server the first time:
        // asked for only after the first render so it never competes with it.
        getJson<DependencyHealth>('dependencies')
          .then((health) => setDeps({ health }))
          .catch((e: Error) => setDeps({ error: e.message }));
      });
    }
  }, [state]);

  if (!state) return <p class="loading">Loading riskwatch…</p>;
  const errorList = Object.entries(errors).filter(([k]) => k !== 'distributions');
  return (
    <>
      <header class="topbar">
        <div class="brand">
          <svg width="26" height="26" viewBox="0 0 26 26" aria-hidden="true">
            <rect width="26" height="26" rx="6" fill="#2563eb" />
            <path d="M5 17 L10 11 L14 14 L21 6" stroke="#fff" stroke-width="2.5" fill="none" stroke-linecap="round" stroke-linejoin="round" />
          </svg>
          <span>riskwatch</span>
          <span class="brand-sub">client attrition risk</span>
        </div>
        <nav class="nav" aria-label="sections">
          <a href="#risk">Call list</a>
          <a href="#quality">Quality</a>
          <a href="#drift">Drift</a>
          <a href="#data">Data</a>
          <a href="#runs">Runs</a>
        </nav>
        <div class="refresh">
          <span class="muted">{`updated ${when(loadedAt)}`}</span>
          <button type="button" class="button ghost" onClick={() => void load()}>
            Refresh
          </button>
          <SignOut />
        </div>
      </header>
      <main>
        {errorList.length > 0 && (
          <div class="banner" role="alert">
            {errorList.map(([k, m]) => (
              <div key={k}>{`${k}: ${m}`}</div>
            ))}
          </div>
        )}
        <Overview models={state.models} drift={state.drift} evaluation={state.evaluation} diagnosis={state.diagnosis} population={state.population} distributions={state.distributions} runs={state.runs?.runs} />
        <FamilySection family={state.family} />
        <RiskSection production={state.models?.production ?? null} population={state.population} initial={state.risk} ece={state.evaluation?.calibration?.ece} />
        <Quality evaluation={state.evaluation} />
        <DriftSection distributions={state.distributions} error={errors.distributions} />
        <DataSection diagnosis={state.diagnosis} />
        <section id="operations" class="card" aria-labelledby="ops-h">
          <h2 id="ops-h">Operations</h2>
          <div class="grid-2">
            <Timings diagnosis={state.diagnosis} />
            <Dependencies health={deps.health} error={deps.error} />
          </div>
        </section>
        <RunHistory runs={state.runs?.runs} />
      </main>
      <footer class="footer muted">riskwatch · data from this server's JSON API (<a href="../docs">API docs</a>)</footer>
    </>
  );
}

render(<App />, document.getElementById('app')!);
