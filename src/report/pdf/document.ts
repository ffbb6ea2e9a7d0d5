import { readFileSync } from 'node:fs';
import { modelFeatureNames } from '../../contracts/model-document.js';
import { join } from 'node:path';
import type { Config } from '../../config/load.js';
import { packageRoot } from '../dependencies.js';
import type { ChartSpec } from '../charts/theme.js';
import type { ReportData, Verdict } from '../data.js';
import { formatAmount, formatCount, formatExpected, formatMetric, formatPoints, formatRisk, formatShare, formatStat, riskPrecisionNote, riskStep } from '../figures.js';
import { reportLibs } from '../render.js';
import { drawTable, FONT, FONT_BOLD, type Column } from './table.js';

type Chart = ChartSpec & { svg: string };

/** Clients whose reasons the PDF lists (report.json has the reasons of every top client). */
const TOP_REASONS = 10;
const PAGE = { width: 595.28, height: 841.89, margin: 50 };
const CONTENT = PAGE.width - 2 * PAGE.margin;
const VERDICT_COLORS: Record<Verdict, string> = { healthy: '#2E7D32', 'drift detected': '#C77700', 'retrained and deployed': '#1565C0' };
const LEVEL_COLORS: Record<string, string> = { drift: '#C62828', possible: '#C77700', none: '#2E7D32' };

// Figures are written as on the dashboard (src/report/figures.ts, one module for both).
const num = (v: number | null | undefined, d = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));
const int = formatCount;

/**
 * The PDF report: a title page with the verdict and the metrics, the charts two to a page, then
 * the tables. The same bundled font as the charts, embedded, so the text is selectable and
 * extractable. Returns the bytes and the page titles (tests check the pages against them).
 */
export async function writePdf(d: ReportData, charts: Chart[], _config?: Config): Promise<{ bytes: Buffer; pages: string[] }> {
  // The font parsed once for the charts' measurement (render.ts), not parsed again per document.
  const [{ PDFDocument, fonts }, { default: SVGtoPDF }] = await Promise.all([reportLibs(), import('svg-to-pdfkit')]);
  const date = d.generatedAt.slice(0, 10);
  const doc = new PDFDocument({ size: 'A4', margin: PAGE.margin, bufferPages: true, info: { Title: `riskwatch model report — ${d.model.version} — ${date}`, Author: 'riskwatch', Subject: `Client attrition model ${d.model.version}: ${d.verdict}`, CreationDate: new Date(d.generatedAt) } });
  doc.registerFont(FONT, fonts.regular as never);
  doc.registerFont(FONT_BOLD, fonts.bold as never);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((res, rej) => (doc.on('end', () => res(Buffer.concat(chunks))), doc.on('error', rej)));
  const pages: string[] = [];
  const byName = new Map(charts.map((c) => [c.name, c]));

  const newPage = (title: string): number => {
    if (pages.length) doc.addPage();
    pages.push(title);
    doc.font(FONT).fontSize(8).fillColor('#777777').text(`riskwatch · model ${d.model.version} · ${date}`, PAGE.margin, 28, { width: CONTENT, lineBreak: false });
    doc.font(FONT_BOLD).fontSize(17).fillColor('#1A1A1A').text(title, PAGE.margin, PAGE.margin, { width: CONTENT });
    return doc.y + 10;
  };
  const heading = (text: string, y: number): number => {
    doc.font(FONT_BOLD).fontSize(12).fillColor('#1A1A1A').text(text, PAGE.margin, y, { width: CONTENT });
    return doc.y + 6;
  };
  const note = (text: string, y: number, size = 9): number => {
    doc.font(FONT).fontSize(size).fillColor('#555555').text(text, PAGE.margin, y, { width: CONTENT });
    return doc.y + 6;
  };
  const chart = (c: Chart | undefined, y: number, maxHeight: number): number => {
    if (!c) return y;
    const w = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(c.svg)?.[1] ?? 600);
    const h = Number(/<svg[^>]*\sheight="([\d.]+)"/.exec(c.svg)?.[1] ?? 400);
    const scale = Math.min(CONTENT / w, maxHeight / h);
    const x = PAGE.margin + (CONTENT - w * scale) / 2;
    // vega writes a solid line in a dashed legend as dasharray "1,0", which pdfkit refuses.
    const svg = c.svg.replace(/ stroke-dasharray="1,0"/g, '');
    SVGtoPDF(doc, svg, x, y, { width: w * scale, height: h * scale, assumePt: true, preserveAspectRatio: 'xMidYMid meet', fontCallback: (_f, bold) => (bold ? FONT_BOLD : FONT) });
    return y + h * scale + 14;
  };
  const chartsPage = (title: string, names: string[], intro?: string) => {
    let y = newPage(title);
    if (intro) y = note(intro, y);
    const each = (PAGE.height - PAGE.margin - 20 - y) / names.length - 14;
    for (const n of names) y = chart(byName.get(n), y, each);
  };

  // 1. Title page: what a manager reads first.
  const m = d.test.metrics;
  let y = newPage('Client attrition risk model — report');
  doc.font(FONT).fontSize(11).fillColor('#333333');
  const facts: Array<[string, string]> = [
    ['Model in production', `${d.model.version} (trained ${d.model.createdAt.slice(0, 10)} on ${int(d.model.training.rows)} rows)`],
    ['Model family', familyLine(d.family)],
    ['Report date', `${d.generatedAt.slice(0, 16).replace('T', ' ')} UTC`],
    ['Latest run', d.run ? `#${d.run.id ?? '–'} at ${(d.run.at ?? '').slice(0, 16).replace('T', ' ')}` : 'no completed run recorded'],
    // The production model's score: the same figure `models`, GET /scoring and the dashboard show,
    // with the dashboard's 3 decimals (formatMetric, as every metric in this report).
    ['Score', d.diagnosis.model?.score ? `F1 ${formatMetric(d.diagnosis.model.score.f1)} on ${d.diagnosis.model.score.measuredOn}` : 'not scored'],
    ['Quality measured on', `the test data (${d.test.path}): ${int(m.rows)} rows (${int(m.positives)} left), the same fixed rows for every version, not the newest clients`],
    ['Verdict checked on', d.drift ? `the ${d.drift.current.source}${d.run?.id ? `, by run #${d.run.id}` : ''}` : d.run?.id ? `the data of run #${d.run.id}` : 'this report\'s own drift check'],
  ];
  for (const [k, v] of facts) {
    doc.font(FONT_BOLD).fontSize(10).fillColor('#333333').text(k, PAGE.margin, y, { width: 140, lineBreak: false });
    doc.font(FONT).fontSize(10).text(v, PAGE.margin + 145, y, { width: CONTENT - 145 });
    y = Math.max(doc.y, y + 14) + 2;
  }
  y += 8;
  const color = VERDICT_COLORS[d.verdict];
  doc.roundedRect(PAGE.margin, y, CONTENT, 56, 6).fill(color);
  doc.font(FONT).fontSize(10).fillColor('white').text('VERDICT', PAGE.margin + 16, y + 10, { lineBreak: false });
  doc.font(FONT_BOLD).fontSize(20).fillColor('white').text(d.verdict.charAt(0).toUpperCase() + d.verdict.slice(1), PAGE.margin + 16, y + 24, { lineBreak: false });
  y += 66;
  if (d.run?.reason) y = note(`Why: ${d.run.reason}.`, y, 10);
  if (d.deployedBy?.reason) y = note(`Why ${d.model.version} is in production (run #${d.deployedBy.id}): ${d.deployedBy.reason}.`, y, 10);
  if (d.drift) {
    const drifted = d.drift.driftedFeatures;
    y = note(`Newest data (${d.drift.current.source}): ${drifted.length ? `drift in ${drifted.join(', ')}` : 'no feature drifts'}; predicted risk ${d.drift.predictionDrift.level === 'none' ? 'stable' : d.drift.predictionDrift.level === 'drift' ? 'drifts' : 'possibly drifting'}.`, y, 10);
  }
  y = heading('Key metrics on the test data', y + 10);
  const metricRows: string[][] = [
    ['F1', formatMetric(m.f1), 'balance of precision and recall at the threshold'],
    ['Precision', formatShare(m.precision), 'of clients predicted to leave, the share who left'],
    ['Recall', formatShare(m.recall), 'of clients who left, the share predicted'],
    ['Accuracy', formatShare(m.accuracy), 'share of all predictions that were right'],
    ['ROC AUC', formatMetric(m.rocAuc), 'chance a leaver ranks above a stayer (0.5 = random)'],
    ['Average precision', formatMetric(m.prAuc), 'area under the precision–recall curve'],
    ['Log loss', formatMetric(m.logLoss), 'probability quality (lower is better)'],
    ['Brier score', formatMetric(m.brier), 'mean squared probability error (lower is better)'],
    ['Calibration error (ECE)', formatMetric(d.test.calibration.ece), 'mean gap between predicted risk and the share who left'],
    [`Top-${m.topK.k} precision`, formatShare(m.topK.precision), `share of the ${m.topK.k} highest-risk rows who left`],
    [`Top-${m.topK.k} recall`, formatShare(m.topK.recall), 'share of all leavers found in that list'],
    ['Threshold', String(m.threshold), 'predicted to leave when risk is above it'],
  ];
  y = drawTable(doc, PAGE.margin, y, [{ header: 'Metric', width: 120 }, { header: 'Value', width: 70, align: 'right' }, { header: 'Meaning', width: CONTENT - 190 }], metricRows);
  y = heading('Contents', y + 16);
  // Filled in below once the pages exist.
  const contentsY = y;

  // 2–5. Charts.
  chartsPage('Classification quality', ['confusion-matrix', 'roc-curve'], 'How the model separates clients who left from those who stayed, on the test data (never used for training).');
  chartsPage('Ranking quality', ['precision-recall', 'cumulative-gains'], `Client managers call the highest-risk clients first; their capacity is the top-K = ${d.topK} list (config top_k).`);
  chartsPage('Calibration and lift', ['calibration', 'lift'], 'Whether a predicted risk of 30% means 30% of such clients leave, and how much better than random the ranking is.');
  y = newPage('Model history and drift');
  y = chart(byName.get('score-history'), y, 330);
  if (d.drift) {
    y = heading(`Drift of the newest data against ${d.model.version}'s training data`, y);
    y = note(`${d.drift.current.source.charAt(0).toUpperCase()}${d.drift.current.source.slice(1)} against a reference of ${int(d.drift.reference.rows)} rows. A feature drifts when its deciding test says so (config drift.*); PSI < 0.1 stable, 0.1–0.25 moderate, ≥ 0.25 major.${Object.values(d.drift.features).some((r) => r.kind === 'category') ? ' For a category feature the test is chi-square (p) or Jensen–Shannon (distance), and "Outside range" is the share of rows in categories the training data never had.' : ''}`, y, 8.5);
    // Widths from the longest cell each column holds at 8.5 pt ("number_of_employees",
    // "Wasserstein", "possible"): no cell is cut to an ellipsis.
    const cols: Column[] = [{ header: 'Feature', width: 108 }, { header: 'Deciding test', width: 66 }, { header: 'KS D', width: 36, align: 'right' }, { header: 'KS p', width: 40, align: 'right' }, { header: 'W/std', width: 38, align: 'right' }, { header: 'PSI', width: 36, align: 'right' }, { header: 'Missing Δ', width: 50, align: 'right' }, { header: 'Outside range', width: 48, align: 'right' }, { header: 'Level', width: CONTENT - 422, align: 'center' }];
    const entries = [...Object.entries(d.drift.features), ['predicted risk', d.drift.predictionDrift] as const];
    // A category feature: its deciding test with its figure (chi-square p or Jensen–Shannon distance);
    // "Outside range" is then the share of rows in categories training never had.
    const pv = (p: number) => (p < 0.001 ? '<0.001' : num(p, 3));
    const rows = entries.map(([f, r]) =>
      r.kind === 'category'
        ? [f, r.method === 'chi2' ? `chi2 p ${pv(r.chi2.pValue)}` : `JS ${num(r.jensenShannon, 3)}`, '—', '—', '—', num(r.psi.value, 3), formatPoints(r.missingRateChange), formatShare(r.unseenShare), r.level]
        : [f, r.method === 'ks' ? 'KS' : 'Wasserstein', num(r.ks.statistic, 3), pv(r.ks.pValue), num(r.wasserstein, 3), num(r.psi.value, 3), formatPoints(r.missingRateChange), formatShare(r.outOfRangeShare), r.level],
    );
    drawTable(doc, PAGE.margin, y, cols, rows, { fontSize: 8.5, colors: entries.map(([, r]) => LEVEL_COLORS[r.level] ?? null) });
  } else {
    note('No drift reference is stored for this model version, or no dataset is ingested: no drift figures.', y);
  }

  // 6… Feature distributions, two per page.
  const featureCharts = charts.filter((c) => c.name.startsWith('feature-'));
  for (let i = 0; i < featureCharts.length; i += 2) {
    const part = featureCharts.length > 2 ? ` (${i / 2 + 1} of ${Math.ceil(featureCharts.length / 2)})` : '';
    chartsPage(`Feature distributions${part}`, featureCharts.slice(i, i + 2).map((c) => c.name), i === 0 ? 'Each feature in the production model\'s training data (reference) and in the newest rows ingested (current), as shares of rows.' : undefined);
  }

  // Tables.
  const dg = d.diagnosis;
  y = newPage('Data summary');
  y = note(dg.dataset ? `The ingested dataset: ${int(dg.dataset.rows)} rows (sha256 ${dg.dataset.hash.slice(0, 12)}…). Statistics as pandas describe(): missing values excluded, sample standard deviation.` : 'No dataset ingested yet.', y);
  const sumCols: Column[] = [{ header: 'Column', width: 127 }, ...['count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max'].map((h) => ({ header: h, width: (CONTENT - 127) / 8, align: 'right' as const }))];
  y = drawTable(doc, PAGE.margin, y, sumCols, Object.entries(dg.summary).map(([c, s]) => [c, int(s.count), formatStat(s.mean), formatStat(s.std), formatStat(s.min), formatStat(s.q25), formatStat(s.median), formatStat(s.q75), formatStat(s.max)]));
  y = heading('Missing data', y + 18);
  y = drawTable(doc, PAGE.margin, y, [{ header: 'Column', width: 200 }, { header: 'Missing share', width: 100, align: 'right' }], Object.entries(dg.missing).map(([c, v]) => [c, formatShare(v, 2)]));
  y = heading('Rows rejected by the last ingestion', y + 18);
  const rejected = Object.entries(dg.rejected).filter(([, n]) => n > 0);
  if (rejected.length) drawTable(doc, PAGE.margin, y, [{ header: 'Reason', width: 200 }, { header: 'Rows', width: 100, align: 'right' }], rejected.map(([r, n]) => [r, int(n)]));
  else note('None.', y);

  y = newPage('Operations');
  y = heading('Step timings (seconds, as recorded by each run)', y);
  const timingRows = Object.entries(dg.timings).map(([s, t]) => [s, num(t.last, 3), num(t.p50, 3), num(t.p95, 3), int(t.runs), t.trend ?? '–']);
  y = timingRows.length ? drawTable(doc, PAGE.margin, y, [{ header: 'Step', width: 135 }, { header: 'Last', width: 72, align: 'right' }, { header: 'p50', width: 72, align: 'right' }, { header: 'p95', width: 72, align: 'right' }, { header: 'Runs', width: 60, align: 'right' }, { header: 'Trend', width: CONTENT - 411 }], timingRows) : note('No timings recorded yet.', y);
  y = heading('Dependencies', y + 18);
  const deps = dg.dependencies;
  y = note(deps.status === 'skipped' ? 'Registry checks skipped (run `riskwatch report` without --no-dependencies, or `riskwatch diagnose`); installed versions only.' : `Registry check: ${deps.status}.${deps.problems.length ? ' ' + deps.problems.join(' ') : ''}`, y, 8.5);
  const pkgs = deps.packages.length ? deps.packages : installed();
  const depRows = pkgs.slice(0, 30).map((p) => [p.name, p.current ?? '–', p.wanted ?? '–', p.latest ?? '–', p.advisories === null ? '–' : String(p.advisories)]);
  drawTable(doc, PAGE.margin, y, [{ header: 'Package', width: 175 }, { header: 'Installed', width: 80, align: 'right' }, { header: 'Wanted', width: 80, align: 'right' }, { header: 'Latest', width: 80, align: 'right' }, { header: 'Advisories', width: CONTENT - 415, align: 'right' }], depRows, { fontSize: 8.5, rowHeight: 15 });

  y = newPage('Highest-risk clients');
  // The population sentence is the one GET /risk and the dashboard give (src/population/).
  const ranked = d.population ? `Who is ranked: ${d.population.description} ` : d.populationProblem ? `No clients ranked: ${d.populationProblem}. ` : 'Nothing is ingested yet: no clients to rank. ';
  const step = riskStep(d.test.calibration.ece);
  const byLoss = d.callList?.summary.rank === 'expected_loss';
  const vc = d.callList?.valueColumn ?? null;
  const order = byLoss ? `highest expected loss (risk × ${vc})` : 'highest predicted risk of leaving';
  y = note(`${ranked}The ${d.topClients.length} of them with the ${order} under ${d.model.version} — the top of the call list GET /risk and the dashboard show; ${riskPrecisionNote(d.test.calibration.ece, step)}. Missing values are shown as —; the model imputes its training medians.`, y);
  const all = modelFeatureNames(d.model);
  // With a value column: its value and the expected loss beside the risk, the features share what
  // is left — as many as fit at 45 points each (report.json has every client's every feature).
  const money = vc ? [{ header: vc, width: 70, align: 'right' as const }, { header: 'Expected loss', width: 75, align: 'right' as const }] : [];
  const room = CONTENT - 30 - 125 - 60 - money.reduce((a, c) => a + c.width, 0);
  const feats = vc ? all.slice(0, Math.max(1, Math.floor(room / 45))) : all;
  const fewer = feats.length < all.length ? ` The table shows the first ${feats.length} of the model's ${all.length} features; report.json has them all.` : '';
  if (d.callList) y = note(callListCover(d.callList.summary, vc) + fewer, y);
  const fw = Math.min(100, room / Math.max(1, feats.length));
  drawTable(
    doc,
    PAGE.margin,
    y,
    [{ header: '#', width: 30, align: 'right' }, { header: 'Client', width: 125 }, { header: 'Risk', width: 60, align: 'right' }, ...money, ...feats.map((f) => ({ header: f, width: fw, align: 'right' as const }))],
    d.topClients.map((c) => [String(c.rank), c.id, formatRisk(c.probability, step), ...(vc ? [formatAmount(c.value), formatAmount(c.expectedLoss)] : []), ...feats.map((f) => formatStat(c.features[f]))]),
    { fontSize: 8.5, rowHeight: 16 },
  );

  // Which family won and why (model.family "auto": both candidates' validation figures).
  const sel = d.family.selection;
  if (sel) {
    y = newPage('Model family');
    y = note(`model.family "auto" fitted both families on the training rows less a stratified validation share of ${formatShare(sel.validationShare, 0)} (${int(sel.validationRows)} rows) and kept the one with the lower validation log loss, refitted on all training rows: ${FAMILY_NAMES[sel.winner]}. The next run's challenger is chosen the same way on that day's data.`, y, 10);
    y = drawTable(
      doc,
      PAGE.margin,
      y + 4,
      [{ header: 'Candidate', width: 190 }, { header: 'Validation log loss', width: 110, align: 'right' }, { header: 'Validation ROC AUC', width: 110, align: 'right' }, { header: 'Fit time', width: 80, align: 'right' }],
      sel.candidates.map((c) => [`${FAMILY_NAMES[c.family]}${c.family === sel.winner ? ' (chosen)' : ''}`, c.logLoss.toFixed(4), formatMetric(c.rocAuc), `${(c.ms / 1000).toFixed(2)} s`]),
      { fontSize: 9.5, rowHeight: 18 },
    );
    if (d.family.trees) {
      const t = d.family.trees;
      note(`${int(t.count)} trees, ${int(t.leaves)} leaves in all (largest tree ${int(t.maxLeaves)} leaves; model.gbdt.max_leaves ${int(t.maxLeavesSetting)}). ${d.importance?.gain ? 'What the trees split on most (total gain per feature) is charted on the next page, beside the contributions.' : ''}`, y + 10);
    }
  }

  // What drives the risk: the model's global importance over the same clients (one chart, and for
  // a gbdt model its own total-gain importance below it, each labelled with its measure).
  if (d.importance) {
    const names = ['importance', ...(d.importance.gain ? ['importance-gain'] : [])];
    chartsPage('What drives the risk', names, `Each feature's contribution to a client's log-odds, exact for ${d.model.version}: the mean of its size over the ${int(d.importance.clients)} clients ranked above. A contribution says what the model associates with leaving in the data, not what causes it.`);
  }
  // Why the first clients of the call list: each one's reasons in the words GET /risk?explain gives.
  const why = d.topClients.slice(0, TOP_REASONS).filter((c) => c.reasons);
  if (why.length) {
    y = newPage('Why these clients');
    y = note(`The ${why.length} first clients of the call list with the largest contributions towards leaving (config risk.reasons per client) and the strongest factor keeping them — what to talk about on the call. Associations the model learned from the data, not causes.`, y);
    for (const c of why) {
      doc.font(FONT_BOLD).fontSize(9.5).fillColor('#1A1A1A').text(`${c.rank}. ${c.id} — risk ${formatRisk(c.probability, step)}`, PAGE.margin, y, { width: CONTENT });
      const lines = [...(c.reasons ?? []).map((t) => `▲ ${t}`), ...(c.keeping ? [`▼ keeping them: ${c.keeping}`] : [])];
      doc.font(FONT).fontSize(8.5).fillColor('#333333').text(lines.length ? lines.join('\n') : 'no feature pushes the risk above the average client\'s', PAGE.margin + 14, doc.y + 1, { width: CONTENT - 14 });
      y = doc.y + 7;
    }
  }

  // Contents on the title page, page numbers in every footer.
  doc.switchToPage(0);
  let cy = contentsY;
  // Every page listed above the footer: the lines close up when the report has many pages.
  const contentsStep = Math.min(15, (PAGE.height - 50 - contentsY) / Math.max(1, pages.length - 1));
  const contentsSize = Math.min(10, contentsStep - 2);
  pages.forEach((t, i) => {
    if (i === 0) return;
    doc.font(FONT).fontSize(contentsSize).fillColor('#333333').text(t, PAGE.margin, cy, { width: CONTENT - 40, lineBreak: false });
    doc.text(String(i + 1), PAGE.margin + CONTENT - 40, cy, { width: 40, align: 'right', lineBreak: false });
    cy += contentsStep;
  });
  for (let i = 0; i < pages.length; i++) {
    doc.switchToPage(i);
    doc.font(FONT).fontSize(8).fillColor('#777777').text(`page ${i + 1} of ${pages.length}`, PAGE.margin, PAGE.height - 34, { width: CONTENT, align: 'right', lineBreak: false, height: 10 });
  }
  doc.end();
  return { bytes: await done, pages };
}

const FAMILY_NAMES = { logistic: 'logistic regression', gbdt: 'gradient-boosted trees' } as const;

/** The title page's one line on the family: which, and whether model.family "auto" chose it. */
function familyLine(f: ReportData['family']): string {
  const how = f.selection ? `chosen by model.family "auto" (validation log loss ${f.selection.candidates.map((c) => `${c.family} ${c.logLoss.toFixed(4)}`).join(', ')})` : `configured (model.family "${f.family}")`;
  return `${FAMILY_NAMES[f.family]}, ${how}`;
}

/** Installed versions of the runtime dependencies, when the registry checks were skipped. */
/** What the call list's top K covers, in the dashboard's words: expected leavers, and the expected loss with a value column. */
function callListCover(s: NonNullable<ReportData['callList']>['summary'], valueColumn: string | null): string {
  const share = (part: number, whole: number) => (whole > 0 ? `${formatShare(part / whole)} of ` : '');
  let text = `The top ${formatCount(s.clients)} (config top_k) cover about ${formatExpected(s.expectedLeavers)} expected leavers (${share(s.expectedLeavers, s.population.expectedLeavers)}the ${formatExpected(s.population.expectedLeavers)} expected among all ${formatCount(s.population.clients)} current clients)`;
  if (valueColumn && s.expectedLoss !== null && s.population.expectedLoss !== null) {
    text += ` and an expected loss of ${formatAmount(s.expectedLoss)} in ${valueColumn} (${share(s.expectedLoss, s.population.expectedLoss)}the ${formatAmount(s.population.expectedLoss)} at risk across them all)`;
    if (s.withoutValue) text += `; ${formatCount(s.withoutValue)} of them have no ${valueColumn}`;
  }
  return text + '.';
}

function installed(): Array<{ name: string; current: string | null; wanted: null; latest: null; advisories: null }> {
  const root = packageRoot();
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    return Object.keys(pkg.dependencies ?? {}).sort().map((name) => {
      let current: string | null = null;
      try {
        current = (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
      } catch {
        current = null;
      }
      return { name, current, wanted: null, latest: null, advisories: null };
    });
  } catch {
    return [];
  }
}
