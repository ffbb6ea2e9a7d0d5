import type { IngestResult } from '../ingest/ingest.js';
import type { TrainResult } from '../model/train.js';
import type { ScoreResult } from '../model/score.js';
import type { DeployResult } from '../registry/production.js';
import type { DriftReport } from '../monitor/drift.js';

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
  const head = r.files.length ? lines.join('\n') : '  no data files found';
  return `${head}\ndataset: ${n(r.rowsTotal)} rows (${n(r.rowsAdded)} new, ${n(r.duplicatesDropped)} duplicates dropped, ${n(r.rowsRejected)} rows rejected)${r.newData ? '' : ' — no new data'}`;
}

export function formatTrain(r: TrainResult): string {
  const coefs = Object.entries(r.coefficients).map(([k, v]) => `${k}=${v.toPrecision(6)}`).join(', ');
  return `trained ${r.version} on ${n(r.trainingRows)} rows in ${r.iterations} Newton iterations (gradient norm ${r.gradNorm.toExponential(2)})\n  intercept=${r.intercept.toPrecision(6)}, ${coefs}`;
}

export function formatScore(r: ScoreResult): string {
  const [[tn, fp], [fn, tp]] = r.confusionMatrix;
  return [
    `scored ${r.version} on ${n(r.rows)} rows: F1 ${f4(r.f1)}  precision ${f4(r.precision)}  recall ${f4(r.recall)}  accuracy ${f4(r.accuracy)}`,
    `  ROC AUC ${f4(r.rocAuc)}  PR AUC ${f4(r.prAuc)}  log loss ${f4(r.logLoss)}  Brier ${f4(r.brier)}`,
    `  confusion matrix: TN ${n(tn)}  FP ${n(fp)}  FN ${n(fn)}  TP ${n(tp)}`,
    `  top ${r.topK.k}: precision ${f4(r.topK.precision)}  recall ${f4(r.topK.recall)}`,
  ].join('\n');
}

export function formatDeploy(r: DeployResult): string {
  return `${r.action === 'deploy' ? 'deployed' : 'rolled back to'} ${r.version}${r.previous ? ` (was ${r.previous})` : ''}`;
}

export function formatDrift(r: DriftReport): string {
  const lines = [`drift of ${n(r.current.rows)} rows (${r.current.source}) against ${r.reference.version}'s ${n(r.reference.rows)} training rows`];
  for (const [f, d] of Object.entries(r.features)) {
    lines.push(`  ${f.padEnd(22)} ${d.level.padEnd(8)} ${d.method === 'ks' ? `KS p ${d.ks.pValue.toExponential(2)}` : `W/σ ${d.wasserstein.toFixed(3)}`}  KS ${d.ks.statistic.toFixed(3)}  PSI ${d.psi.toFixed(3)} (${d.psiLevel})`);
  }
  lines.push(`  ${'predicted risk'.padEnd(22)} ${r.predictionDrift.level.padEnd(8)} KS ${r.predictionDrift.ks.statistic.toFixed(3)}  PSI ${r.predictionDrift.psi.toFixed(3)}`);
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
