import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/generate.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy } from '../../src/model/deploy.ts';
import { report } from '../../src/report/report.ts';
import { collectReportData } from '../../src/report/data.ts';
import { formatAmount } from '../../src/report/figures.ts';
import { context } from '../helpers/workspace.ts';
import { tempDir } from '../helpers/temp.ts';

// The PDF's call list in a crm workspace (simulate --profile crm: 8 features and value_column
// monthly_revenue): the value and expected-loss columns take room, so the table shows the first
// features that fit at 45 points and says so; the figures are the report data's.

test('with a value column and 8 features, the PDF call list shows revenue and expected loss, the first 3 features, and says which', async () => {
  const ws = join(tempDir('rw-callpdf-'), 'ws');
  simulate({ out: ws, clients: 1500, months: 2, seed: 3, profile: 'crm' });
  const ctx = await context(join(ws, 'config.json'));
  try {
    await ingest(ctx);
    await deploy(ctx, (await train(ctx)).version);
    const data = await collectReportData(ctx, { dependencies: false });
    assert.equal(data.callList?.valueColumn, 'monthly_revenue');
    const r = await report(ctx, { out: join(ws, 'report'), dependencies: false });
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(r.pdf)), useSystemFonts: false, isEvalSupported: false }).promise;
    const page = await doc.getPage(r.pages.indexOf('Highest-risk clients') + 1); // pages after it explain the clients
    const text = (await page.getTextContent()).items.map((it) => ('str' in it ? it.str : '')).join(' ').replace(/\s+/g, ' ');
    await doc.destroy();
    assert.ok(text.includes("The table shows the first 3 of the model's 8 features; report.json has them all."), text);
    assert.ok(text.includes('monthly_revenue') && text.includes('Expected loss'), text);
    assert.ok(!text.includes('industry'), 'the fourth feature and on are not columns');
    for (const c of data.topClients) assert.ok(text.includes(`${c.id} `) && text.includes(formatAmount(c.expectedLoss)), c.id);
  } finally {
    await ctx.store.close();
  }
});
