import type { DeployResult, Diagnosis, DriftReport, IngestResult, listModels, NothingToCompare, ScoreResult, TrainResult } from '../index.js';

type ListedModels = Awaited<ReturnType<typeof listModels>>;

/** Human summaries: short, one fact per line. --json gives the full objects. */
const n = (v: number) => v.toLocaleString('en-US');
const f4 = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));

export function formatIngest(r: IngestResult): string {
  const lines = r.files.map((f) => {
    if (f.status === 'ingested') {
      const extra = [f.rowsRejected ? `${n(f.rowsRejected)} rejected` : '', f.duplicates ? `${n(f.duplicates)} duplicates` : ''].filter(Boolean).join(', ');
      return `  ingested  ${f.name}: ${n(f.rowsAdded)} rows added${extra ? ` (${extra})` : ''}`;
    }
    return `  ${f.status.padEnd(8)}  ${f.name}: ${f.reason}`;
  });
  // Database sources (and any failed source) get a line each; a lone folder source shows as before.
  for (const src of r.sources ?? []) {
    if (src.type === 'folder' && src.status !== 'failed') continue;
    if (src.status === 'failed') lines.push(`  failed    ${src.error ?? src.name}`);
    else if (src.status === 'unchanged') lines.push(`  unchanged ${src.name}: no new rows`);
    else {
      const extra = [src.rowsRejected ? `${n(src.rowsRejected)} rejected` : '', src.duplicates ? `${n(src.duplicates)} duplicates` : ''].filter(Boolean).join(', ');
      lines.push(`  ingested  ${src.name}: ${n(src.rowsAdded)} rows added${extra ? ` (${extra})` : ''}`);
    }
  }
  const head = lines.length ? lines.join('\n') : '  no data files found';
  return `${head}\ndataset: ${n(r.rowsTotal)} rows (${n(r.rowsAdded)} new, ${n(r.duplicatesDropped)} duplicates dropped, ${n(r.rowsRejected)} rows rejected)${r.newData ? '' : ' — no new data'}`;
}

export function formatTrain(r: TrainResult): string {
  const head = r.reused ? `${r.version} was already trained on this dataset (${n(r.trainingRows)} rows) with this config: reused, no new version` : null;
  const lines: string[] = [];
  if (r.family === 'gbdt') {
    lines.push(head ?? `trained ${r.version} on ${n(r.trainingRows)} rows: gradient-boosted trees, ${r.trees} tree${r.trees === 1 ? '' : 's'}`);
    const gain = Object.entries(r.importance?.gain ?? {});
    const total = gain.reduce((s, [, v]) => s + v, 0);
    const top = gain.sort((a, b) => b[1] - a[1]).slice(0, 5);
    if (total > 0) lines.push(`  importance (share of gain): ${top.map(([k, v]) => `${k} ${((100 * v) / total).toFixed(1)}%`).join(', ')}`);
  } else {
    const coefs = Object.entries(r.coefficients ?? {}).map(([k, v]) => `${k}=${v.toPrecision(6)}`).join(', ');
    lines.push(head ?? `trained ${r.version} on ${n(r.trainingRows)} rows in ${r.iterations} Newton iterations (gradient norm ${(r.gradNorm ?? Number.NaN).toExponential(2)})`);
    lines.push(`  intercept=${(r.intercept ?? Number.NaN).toPrecision(6)}, ${coefs}`);
  }
  if (r.candidates) {
    const c = r.candidates.map((k) => `${k.family} ${k.logLoss.toFixed(4)} (ROC AUC ${k.rocAuc.toFixed(4)})`).join(' vs ');
    lines.push(`  model.family auto: ${r.family} won on validation log loss — ${c}`);
  }
  return lines.join('\n');
}

export function formatScore(r: ScoreResult): string {
  const [[tn, fp], [fn, tp]] = r.confusionMatrix;
  return [
    `scored ${r.version} on ${r.measuredOn}: F1 ${f4(r.f1)}  precision ${f4(r.precision)}  recall ${f4(r.recall)}  accuracy ${f4(r.accuracy)}`,
    `  ROC AUC ${f4(r.rocAuc)}  PR AUC ${f4(r.prAuc)}  log loss ${f4(r.logLoss)}  Brier ${f4(r.brier)}`,
    `  confusion matrix: TN ${n(tn)}  FP ${n(fp)}  FN ${n(fn)}  TP ${n(tp)}`,
    `  top ${r.topK.k}: precision ${f4(r.topK.precision)}  recall ${f4(r.topK.recall)}`,
    ...(r.kind === 'adhoc' ? [`  ${r.version}'s score stays ${r.modelScore ? `F1 ${f4(r.modelScore.f1)} on ${r.modelScore.measuredOn}` : 'unset (never scored on the test data)'}`] : []),
  ].join('\n');
}

export function formatDeploy(r: DeployResult): string {
  const score = r.score ? `F1 ${f4(r.score.f1)} on ${r.score.measuredOn}` : 'not scored: no labelled test data';
  return `${r.action === 'deploy' ? 'deployed' : 'rolled back to'} ${r.version}${r.previous ? ` (was ${r.previous})` : ''}: ${score}`;
}

export function formatDrift(r: DriftReport | NothingToCompare): string {
  if ('nothingToCompare' in r) return r.nothingToCompare;
  const lines = [`drift of ${n(r.current.rows)} rows (${r.current.source}) against ${r.reference.version}'s ${n(r.reference.rows)} training rows`];
  for (const [f, d] of Object.entries(r.features)) {
    if (d.kind === 'category') {
      const unseen = d.unseen.length ? `  new: ${d.unseen.map((u) => `${u.category} ${(u.share * 100).toFixed(1)}%`).join(', ')}` : '';
      lines.push(`  ${f.padEnd(22)} ${d.level.padEnd(8)} ${d.method === 'chi2' ? `χ² p ${d.chi2.pValue.toExponential(2)}` : `JS ${d.jensenShannon.toFixed(3)}`}  χ² ${d.chi2.statistic.toFixed(1)} (${d.chi2.dof} dof)  PSI ${d.psi.value.toFixed(3)} (${d.psi.level})  unseen ${(d.unseenShare * 100).toFixed(1)}%${unseen}`);
      continue;
    }
    lines.push(`  ${f.padEnd(22)} ${d.level.padEnd(8)} ${d.method === 'ks' ? `KS p ${d.ks.pValue.toExponential(2)}` : `W/σ ${d.wasserstein.toFixed(3)}`}  KS ${d.ks.statistic.toFixed(3)}  PSI ${d.psi.value.toFixed(3)} (${d.psi.level})`);
  }
  lines.push(`  ${'predicted risk'.padEnd(22)} ${r.predictionDrift.level.padEnd(8)} KS ${r.predictionDrift.ks.statistic.toFixed(3)}  PSI ${r.predictionDrift.psi.value.toFixed(3)}`);
  // Exact unless said: a sketched reference is named with its error bounds.
  for (const [f, d] of [...Object.entries(r.features), ['predicted risk', r.predictionDrift] as const]) {
    if (d.kind !== 'category' && d.sketch) lines.push(`  ${f}: compared with a 1,001-quantile sketch of the training values (KS ±${d.sketch.ksStatistic.toFixed(4)}, W/σ ±${d.sketch.wasserstein.toExponential(1)})`);
  }
  lines.push(`dataset drift: ${r.datasetDrift ? `yes (${r.driftedFeatures.join(', ')})` : 'no'}`);
  if (r.modelDrift) {
    const m = r.modelDrift;
    const t = m.thresholds[m.ruleUsed];
    lines.push(`model drift (${m.ruleUsed} rule): ${m.drifted ? 'yes' : 'no'} — F1 ${f4(m.currentF1)} [95% CI ${f4(m.ci[0])}–${f4(m.ci[1])}] vs threshold ${t === null ? 'n/a (no history)' : f4(t)}`);
  }
  if (r.estimated) lines.push(`estimated (no labels needed): F1 ${f4(r.estimated.f1)}, ROC AUC ${f4(r.estimated.rocAuc)}${r.estimated.calibrated ? '' : ` — model not calibrated (ECE ${f4(r.estimated.ece)}), treat as rough`}`);
  if (r.realised) lines.push(`realised: F1 ${f4(r.realised.f1)}, ROC AUC ${f4(r.realised.rocAuc)}`);
  return lines.join('\n');
}

export function formatDiagnosis(r: Diagnosis): string {
  const g = (v: number | null) => (v === null ? 'n/a' : Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(4));
  const lines = [r.dataset ? `dataset ${r.dataset.hash.slice(0, 12)}: ${n(r.dataset.rows)} rows` : 'no dataset yet'];
  lines.push(`  ${'column'.padEnd(22)} ${'count'.padStart(9)} ${'mean'.padStart(9)} ${'std'.padStart(9)} ${'min'.padStart(7)} ${'25%'.padStart(7)} ${'median'.padStart(7)} ${'75%'.padStart(7)} ${'max'.padStart(9)}  missing`);
  for (const [c, s] of Object.entries(r.summary)) {
    if (s.unique !== undefined) {
      // A category column: pandas' describe() of text (unique, top, freq).
      lines.push(`  ${c.padEnd(22)} ${n(s.count).padStart(9)} ${`unique ${n(s.unique)}, top ${JSON.stringify(s.top ?? null)} (${n(s.freq ?? 0)})`.padEnd(62)}  ${((r.missing[c] ?? 0) * 100).toFixed(2)}%`);
      continue;
    }
    lines.push(`  ${c.padEnd(22)} ${n(s.count).padStart(9)} ${g(s.mean).padStart(9)} ${g(s.std).padStart(9)} ${g(s.min).padStart(7)} ${g(s.q25).padStart(7)} ${g(s.median).padStart(7)} ${g(s.q75).padStart(7)} ${g(s.max).padStart(9)}  ${((r.missing[c] ?? 0) * 100).toFixed(2)}%`);
  }
  const rej = Object.entries(r.rejected);
  lines.push(`rejected rows in the last ingestion: ${rej.length ? rej.map(([k, v]) => `${k} ${v}`).join(', ') : 'none'}`);
  for (const [step, t] of Object.entries(r.timings)) lines.push(`timing ${step.padEnd(7)} last ${t.last.toFixed(3)} s, p50 ${t.p50.toFixed(3)} s, p95 ${t.p95.toFixed(3)} s over ${t.runs} runs${t.trend ? ` (${t.trend})` : ''}`);
  lines.push(`dependencies: ${r.dependencies.status}${r.dependencies.problems.length ? ` — ${r.dependencies.problems.join('; ')}` : ''}`);
  for (const p of r.dependencies.packages) if (p.latest && p.current !== p.latest) lines.push(`  ${p.name} ${p.current} → latest ${p.latest}`);
  if (r.model) {
    const d = r.model.lastDrift;
    lines.push(`model ${r.model.version}: ${r.model.ageDays.toFixed(1)} days old, ${n(r.model.trainingRows)} training rows, F1 ${f4(r.model.f1)}${d ? `; last drift check ${d.at}: data ${d.dataset ? 'drift' : 'none'}, model ${d.model ? 'drift' : d.model === null ? 'n/a' : 'none'}` : ''}`);
  } else lines.push('no model in production');
  return lines.join('\n');
}

export function formatModels(r: ListedModels): string {
  if (!r.models.length) return 'no model versions yet';
  return r.models.map((m) => `${m.deployed ? '*' : ' '} ${m.version.padEnd(6)} ${m.createdAt}  F1 ${m.score ? `${f4(m.score.f1)} (${m.score.measuredOn})` : 'not scored'}  ${m.trainingRows} rows`).join('\n');
}
