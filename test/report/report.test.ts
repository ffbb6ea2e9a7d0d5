import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { simulate } from '../../src/simulate/generate.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { runReportWriter } from '../../src/report/run-report.ts';
import { report, type ReportResult } from '../../src/report/report.ts';
import { rankCurves } from '../../src/report/charts/curves.ts';
import { featureHistogram } from '../../src/report/charts/feature-distribution.ts';
import { referenceProfile } from '../../src/stats/profile.ts';
import { score } from '../../src/model/score.ts';
import type { Context } from '../../src/context.ts';
import { cli, context, FIXTURES } from '../helpers/workspace.ts';
import { tempDir } from '../helpers/temp.ts';

let ctx: Context;
let ws: string;
let r: ReportResult;

/** Text of every page of a PDF, with pdf.js (the legacy build runs in node). */
async function pdfPages(path: string): Promise<string[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(path)), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((it) => ('str' in it ? it.str : '')).join(' ').replace(/\s+/g, ' '));
  }
  await doc.destroy();
  return pages;
}

/** SVG text content, entities decoded. */
function svgText(svg: string): string {
  return [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/gs)].map((m) => m[1].replace(/<tspan[^>]*>/g, '').replace(/<\/tspan>/g, '\n').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&quot;/g, '"')).join('\n');
}

before(async () => {
  ws = tempDir('riskwatch-report-');
  simulate({ out: ws, clients: 3000, months: 3, seed: 7 });
  ctx = await context(join(ws, 'config.json'));
  const run = await runPipeline(ctx, { report: runReportWriter(ctx) });
  assert.equal(run.status, 'completed');
  r = await report(ctx, { out: join(ws, 'out'), dependencies: false });
});

test('report: the PDF is valid, has the expected pages, and its text is extractable', async () => {
  const pages = await pdfPages(r.pdf);
  // Title, 3 chart pages, history+drift, 2 feature pages (3 features, two a page), data, operations, top clients.
  assert.deepEqual(r.pages, ['Client attrition risk model — report', 'Classification quality', 'Ranking quality', 'Calibration and lift', 'Model history and drift', 'Feature distributions (1 of 2)', 'Feature distributions (2 of 2)', 'Data summary', 'Operations', 'Highest-risk clients', 'What drives the risk', 'Why these clients']);
  assert.equal(pages.length, r.pages.length);
  r.pages.forEach((title, i) => assert.ok(pages[i].includes(title), `page ${i + 1} shows "${title}"`));
  assert.ok(readFileSync(r.pdf).subarray(0, 5).toString() === '%PDF-');
  // Title page: version, verdict, the test F1 as `score` records it.
  const scored = await score(ctx);
  assert.ok(pages[0].includes(r.version));
  assert.ok(pages[0].toLowerCase().includes(r.verdict));
  assert.ok(pages[0].includes(scored.f1.toFixed(3)), `F1 ${scored.f1.toFixed(3)} on the title page`);
  // Chart text comes through svg-to-pdfkit as text too.
  assert.ok(pages[1].includes('Confusion matrix') && pages[1].includes('False positive rate'));
  const [[tn, fp], [fn, tp]] = scored.confusionMatrix;
  for (const n of [tn, fp, fn, tp]) assert.ok(pages[1].includes(n.toLocaleString('en-US')), `count ${n} in the confusion matrix`);
  // Tables: every feature in the drift and summary tables; 20 ranked clients.
  for (const f of ctx.config.features) {
    assert.ok(pages[4].includes(f));
    assert.ok(pages[7].includes(f));
  }
  const ranks = pages[9].match(/corp-[\w-]+/g) ?? [];
  assert.equal(new Set(ranks).size, 20);
});

test('report (issue 13 item 20): each figure says what it was measured on, at the precision the model supports, as the dashboard writes it', async () => {
  const pages = await pdfPages(r.pdf);
  const summary = JSON.parse(readFileSync(join(r.dir, 'report.json'), 'utf8'));
  // The quality figures and the verdict speak for different rows: each says which.
  assert.match(pages[0], /Quality measured on the test data \(testdata\): [\d,]+ rows \([\d,]+ left\), the same fixed rows for every version, not the newest clients/);
  assert.match(pages[0], /Verdict checked on/);
  // One confusion-matrix convention (the dashboard's): shares of each actual class, labelled.
  const [[tn, fp], [fn, tp]] = (await score(ctx)).confusionMatrix;
  assert.ok(pages[1].includes('shares of each actual class (rows add up to 100%)'));
  for (const share of [tn / (tn + fp), fp / (tn + fp), fn / (fn + tp), tp / (fn + tp)]) assert.ok(pages[1].includes(`${(share * 100).toFixed(1)}%`), `row share ${(share * 100).toFixed(1)}%`);
  // The drift table: no cell cut to an ellipsis, no "-0.0 pp", every level in full.
  assert.doesNotMatch(pages[4], /…/);
  assert.doesNotMatch(pages[4], /-0\.0/);
  for (const f of ctx.config.features) assert.ok(pages[4].includes(summary.drift.features[f].level), `${f}: level ${summary.drift.features[f].level} in full`);
  // Risks at the calibration's precision: whole steps, never ">99.99%".
  const risks = pages[9].match(/corp-[\w-]+ (\S+)/g)!.map((m) => m.split(' ')[1]);
  assert.equal(risks.length, 20);
  for (const v of risks) assert.match(v, /^(\d+|\d+–100|0–\d+)%$/, `risk ${v}`);
  assert.doesNotMatch(pages[9], /99\.9|>/);
  assert.match(pages[9], /risks shown to (1|5|10) points: the model's calibration error on the test data is \d\.\d\d/);
  // The calibration legend draws the diagonal as the dashed line it is (it was a dot).
  const svg = readFileSync(join(r.dir, 'calibration.svg'), 'utf8');
  const symbols = [...svg.matchAll(/role-legend-symbol[^>]*>(<path [^>]*\/>)/g)].map((m) => ({ d: /\sd="([^"]+)"/.exec(m[1])![1], dash: /stroke-dasharray="([^"]+)"/.exec(m[1])?.[1] }));
  assert.equal(symbols.length, 3);
  for (const sym of symbols) assert.match(sym.d, /^M-?[\d.]+,0L[\d.]+,0$/, 'a line, not a dot');
  assert.equal(symbols[2].dash, '5,4');
});

test('report: every PNG decodes at the stated size, twice the SVG size', () => {
  const pngs = r.files.filter((f) => f.type === 'png');
  assert.equal(pngs.length, 11); // 7 quality charts, 3 feature distributions, global importance
  for (const f of pngs) {
    const img = PNG.sync.read(readFileSync(f.path));
    assert.equal(img.width, f.width, f.path);
    assert.equal(img.height, f.height, f.path);
    const svg = readFileSync(f.path.replace(/\.png$/, '.svg'), 'utf8');
    const w = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)![1]);
    const h = Number(/<svg[^>]*\sheight="([\d.]+)"/.exec(svg)![1]);
    assert.equal(img.width, Math.round(w * 2));
    assert.equal(img.height, Math.round(h * 2));
    // Not blank: some pixels are not white.
    let ink = 0;
    for (let i = 0; i < img.data.length; i += 4) if (img.data[i] < 200) ink++;
    assert.ok(ink > 1000, `${f.path} has ink`);
  }
});

test('report: charts carry their titles, axis titles, legends and data', async () => {
  const read = (name: string) => svgText(readFileSync(join(r.dir, `${name}.svg`), 'utf8'));
  const scored = await score(ctx);
  const roc = read('roc-curve');
  assert.ok(roc.includes(`ROC curve (AUC ${scored.rocAuc!.toFixed(3)})`));
  assert.ok(roc.includes('False positive rate (stayers flagged)') && roc.includes('random ranking'));
  assert.ok(read('precision-recall').includes(`average precision ${scored.prAuc!.toFixed(3)}`));
  const cm = read('confusion-matrix');
  for (const n of scored.confusionMatrix.flat()) assert.ok(cm.includes(n.toLocaleString('en-US')));
  assert.ok(read('cumulative-gains').includes(`top-K = ${ctx.config.topK}`));
  assert.ok(read('lift').includes('top-K capacity'));
  assert.ok(read('calibration').includes('perfectly calibrated'));
  const history = read('score-history');
  assert.ok(history.includes('F1 history across model versions') && history.includes(r.version) && history.includes('normal range'));
  const summary = JSON.parse(readFileSync(join(r.dir, 'report.json'), 'utf8'));
  for (const f of ctx.config.features) {
    const t = read(`feature-${f}`);
    assert.ok(t.includes(`${f}: reference vs current`));
    assert.ok(t.includes(`W/std ${summary.drift.features[f].wasserstein.toFixed(3)}`), `${f}: its Wasserstein figure`);
    assert.ok(t.includes('reference (training data)'));
  }
  // No raw rows embedded: a chart's SVG stays small.
  for (const f of r.files.filter((x) => x.type === 'svg')) assert.ok(f.bytes < 150_000, `${f.path}: ${f.bytes} bytes`);
});

test('report: global importance — report.json has mean |contribution| per feature; the chart draws one bar each, lengths in proportion; its PDF page', async () => {
  const summary = JSON.parse(readFileSync(join(r.dir, 'report.json'), 'utf8')) as { importance: { version: string; clients: number; features: Array<{ feature: string; meanAbs: number }>; gain: null } };
  const imp = summary.importance;
  assert.equal(imp.version, r.version);
  assert.deepEqual(imp.features.map((f) => f.feature).sort(), [...ctx.config.features].sort());
  assert.equal(imp.gain, null, 'a logistic model has no tree gain');
  const svg = readFileSync(join(r.dir, 'importance.svg'), 'utf8');
  const bars = [...svg.matchAll(/aria-label="Mean \|contribution\| \(log-odds\): [\d.]+; feature: ([^"]+)"[^>]*aria-roledescription="bar" d="M0,[\d.]+h([\d.]+)/g)].map((m) => ({ feature: m[1], width: Number(m[2]) }));
  assert.deepEqual(bars.map((b) => b.feature), imp.features.map((f) => f.feature), 'one bar per feature, highest first');
  for (const b of bars) assert.ok(Math.abs(b.width / bars[0].width - imp.features.find((f) => f.feature === b.feature)!.meanAbs / imp.features[0].meanAbs) < 1e-3, b.feature);
  const pages = await pdfPages(r.pdf);
  const page = pages[r.pages.indexOf('What drives the risk')];
  assert.ok(page.includes('Global importance: mean |contribution|') && page.includes(`${imp.clients.toLocaleString('en-US')} clients`), page);
});

test('report: the first 10 clients of the call list with their reasons (report.json top clients\' texts) on the PDF\'s last page', async () => {
  const summary = JSON.parse(readFileSync(join(r.dir, 'report.json'), 'utf8')) as { topClients: Array<{ rank: number; id: string; reasons: string[]; keeping: string | null }> };
  const top = summary.topClients.slice(0, 10);
  assert.equal(top.length, 10);
  assert.ok(top.every((c) => c.reasons.length > 0 && c.reasons.length <= ctx.config.risk.reasons), 'high-risk clients have reasons');
  const pages = await pdfPages(r.pdf);
  const page = pages[r.pages.indexOf('Why these clients')];
  const squash = (t: string) => t.replace(/\s+/g, '');
  for (const c of top) {
    assert.ok(page.includes(`${c.rank}. ${c.id}`), c.id);
    for (const t of [...c.reasons, ...(c.keeping ? [c.keeping] : [])]) assert.ok(squash(page).includes(squash(t)), `${c.id}: ${t}`);
  }
  assert.ok(!page.includes(summary.topClients[10].id), 'the 11th client is not on the page');
});

test('rankCurves: each point is exact at its threshold (checked by counting), at most 201 points', () => {
  const n = 5000;
  const y = new Uint8Array(n);
  const p = new Float64Array(n);
  let s = 1;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  for (let i = 0; i < n; i++) {
    p[i] = Math.round(rand() * 300) / 300; // ties on purpose
    y[i] = rand() < p[i] ? 1 : 0;
  }
  const c = rankCurves(y, p, 200);
  assert.ok(c.points.length <= 202);
  const np = y.reduce((a, v) => a + v, 0);
  for (const pt of c.points.slice(1)) {
    let tp = 0, fp = 0;
    for (let i = 0; i < n; i++) if (p[i] >= pt.threshold) (y[i] ? tp++ : fp++);
    assert.equal(pt.tpr, tp / np);
    assert.equal(pt.fpr, fp / (n - np));
    assert.equal(pt.share, (tp + fp) / n);
  }
  const last = c.points[c.points.length - 1];
  assert.deepEqual([last.tpr, last.fpr, last.share], [1, 1, 1]);
});

test('rankCurves agrees with scikit-learn roc_curve / precision_recall_curve at every threshold it keeps (fixture)', () => {
  const fx = JSON.parse(readFileSync(join(FIXTURES, 'report', 'report-curves.json'), 'utf8')) as { y: number[]; p: number[]; roc: { thresholds: number[]; fpr: number[]; tpr: number[] }; pr: { thresholds: number[]; precision: number[]; recall: number[] } };
  const c = rankCurves(Uint8Array.from(fx.y), Float64Array.from(fx.p), 200);
  assert.ok(c.points.length > 100 && c.points.length <= 202);
  const roc = new Map(fx.roc.thresholds.map((t, i) => [t, i]));
  const pr = new Map(fx.pr.thresholds.map((t, i) => [t, i]));
  for (const pt of c.points.slice(1)) {
    const i = roc.get(pt.threshold)!;
    assert.ok(i !== undefined, `threshold ${pt.threshold} is one of sklearn's`);
    assert.ok(Math.abs(pt.fpr - fx.roc.fpr[i]) < 1e-12 && Math.abs(pt.tpr - fx.roc.tpr[i]) < 1e-12, `roc at ${pt.threshold}`);
    const j = pr.get(pt.threshold)!;
    assert.ok(Math.abs(pt.precision - fx.pr.precision[j]) < 1e-12 && Math.abs(pt.tpr - fx.pr.recall[j]) < 1e-12, `pr at ${pt.threshold}`);
  }
});

test('featureHistogram: shares sum to 1, at most 40 bins, counts by hand', () => {
  const ref = Float64Array.from({ length: 5000 }, (_, i) => i % 97);
  const cur = Float64Array.from({ length: 800 }, (_, i) => (i % 50) + 20);
  const h = featureHistogram(referenceProfile(ref), cur, true);
  assert.ok(h.edges.length - 1 <= 40);
  assert.ok(Math.abs(h.reference.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  assert.ok(Math.abs(h.current.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  h.current.forEach((share, k) => {
    const inBin = [...cur].filter((v) => v >= h.edges[k] && v < h.edges[k + 1]).length;
    assert.equal(share, inBin / cur.length);
  });
});

test('report --json lists the files it wrote, with their sizes', () => {
  const out = join(ws, 'cli-out');
  const res = cli(['report', '--config', join(ws, 'config.json'), '--json', '--no-dependencies', '--out', out, '--log-level', 'warn']);
  assert.equal(res.status, 0, res.stderr);
  const j = JSON.parse(res.stdout) as ReportResult;
  assert.equal(j.dir, out);
  assert.equal(j.pdf, join(out, 'report.pdf'));
  assert.deepEqual(new Set(j.files.map((f) => f.type)), new Set(['svg', 'png', 'pdf', 'json']));
  for (const f of j.files) {
    assert.ok(existsSync(f.path), f.path);
    assert.equal(statSync(f.path).size, f.bytes);
  }
  assert.ok(['healthy', 'drift detected', 'retrained and deployed'].includes(j.verdict));
});

test('report without a model in production: one line, exit 1', () => {
  const empty = tempDir('riskwatch-report-empty-');
  simulate({ out: empty, clients: 200, months: 1 });
  const res = cli(['report', '--config', join(empty, 'config.json'), '--no-dependencies']);
  assert.equal(res.status, 1);
  assert.match(res.stderr, /no model in production/);
  assert.equal(res.stderr.trim().split('\n').length, 1);
});

test('report --out on a file: one line naming the folder, exit 1, no stack trace', () => {
  const blocker = join(ws, 'not-a-folder');
  writeFileSync(blocker, 'x');
  const res = cli(['report', '--config', join(ws, 'config.json'), '--no-dependencies', '--out', join(blocker, 'sub')]);
  assert.equal(res.status, 1);
  assert.match(res.stderr, /not-a-folder\/sub: cannot create the report folder \(ENOTDIR\)/);
  assert.equal(res.stderr.trim().split('\n').length, 1);
});
