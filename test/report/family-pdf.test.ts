import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/generate.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy } from '../../src/model/deploy.ts';
import { report } from '../../src/report/report.ts';
import { artifactsOf } from '../../src/registry/deployment.ts';
import { context } from '../helpers/workspace.ts';
import { tempDir } from '../helpers/temp.ts';

// The report says which family is in production and why (issue 16 items 4-5): under model.family
// "auto" (the crm profile's config) a "Model family" page with both candidates' validation figures
// as the model document records them, and a line on the title page.

async function pageText(pdf: string, index: number): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(pdf)), useSystemFonts: false, isEvalSupported: false }).promise;
  const page = await doc.getPage(index + 1);
  const text = (await page.getTextContent()).items.map((it) => ('str' in it ? it.str : '')).join(' ').replace(/\s+/g, ' ');
  await doc.destroy();
  return text;
}

test('model.family auto: the PDF names the chosen family, both candidates\' validation log loss and ROC AUC, and report.json carries them', async () => {
  const ws = join(tempDir('rw-familypdf-'), 'ws');
  simulate({ out: ws, clients: 1500, months: 2, seed: 3, profile: 'crm' });
  const ctx = await context(join(ws, 'config.json'));
  try {
    assert.equal(ctx.config.model.family, 'auto');
    await ingest(ctx);
    const version = (await train(ctx)).version;
    await deploy(ctx, version);
    const doc = await artifactsOf(ctx).loadModel(version);
    assert.ok(doc.format === 'riskwatch.model/2' && doc.selection, 'auto records its selection');
    const sel = doc.selection;
    const r = await report(ctx, { out: join(ws, 'report'), dependencies: false });
    const names = { logistic: 'logistic regression', gbdt: 'gradient-boosted trees' } as const;

    const at = r.pages.indexOf('Model family');
    assert.ok(at > 0, `pages: ${r.pages.join(' | ')}`);
    const text = await pageText(r.pdf, at);
    assert.ok(text.includes(`${sel.validationRows} rows`) || text.includes(`${sel.validationRows.toLocaleString('en-US')} rows`), text);
    assert.ok(text.includes(`${names[sel.winner]} (chosen)`), text);
    for (const c of sel.candidates) {
      assert.ok(text.includes(names[c.family]), c.family);
      assert.ok(text.includes(c.logLoss.toFixed(4)), `${c.family} log loss ${c.logLoss.toFixed(4)} in: ${text}`);
      assert.ok(text.includes(c.rocAuc.toFixed(3)), `${c.family} ROC AUC ${c.rocAuc.toFixed(3)}`);
    }
    // The winner has the lower validation log loss.
    const win = sel.candidates.find((c) => c.family === sel.winner)!;
    for (const c of sel.candidates) assert.ok(win.logLoss <= c.logLoss);
    if (doc.family === 'gbdt') assert.match(text, new RegExp(`${doc.gbdt.trees.length} trees`));

    const title = await pageText(r.pdf, 0);
    assert.ok(title.includes(`${names[doc.family]}, chosen by model.family "auto"`), title);

    const json = JSON.parse(readFileSync(join(ws, 'report', 'report.json'), 'utf8')) as { family?: { family: string; chosenBy: string; selection: { winner: string } | null } };
    assert.equal(json.family?.family, doc.family);
    assert.equal(json.family?.chosenBy, 'auto');
    assert.equal(json.family?.selection?.winner, sel.winner);
  } finally {
    await ctx.store.close();
  }
});
