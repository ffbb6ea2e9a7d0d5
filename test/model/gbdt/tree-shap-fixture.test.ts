import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../../../src/model/fitted-model.ts';
import { parseModelDocument } from '../../../src/registry/versions.ts';
import { FIXTURES } from '../../helpers/workspace.ts';

// Fixture: a LightGBM model (40 trees, 15 leaves, 2 category features, missing cells, an unseen
// category in the test rows) converted into a /2 gbdt document, and
// shap.TreeExplainer(booster, feature_perturbation="tree_path_dependent") on 300 test rows —
// scripts/fixtures/make_treeshap_fixture.py (shap 0.51, LightGBM 4.7), which says how.
const fx = JSON.parse(readFileSync(join(FIXTURES, 'gbdt', 'treeshap-lightgbm.json'), 'utf8'));

/** The rows as a dataset holds them: numbers (null → NaN), texts as codes of a dictionary in order of first appearance. */
function columns(cells: Record<string, (number | string | null)[]>, features: string[]) {
  const rows = cells[features[0]].length;
  const levels: (string[] | null)[] = [];
  const x = features.map((f) => {
    const col = new Float64Array(rows);
    const dict: string[] = [];
    let text = false;
    cells[f].forEach((v, i) => {
      if (v === null) col[i] = Number.NaN;
      else if (typeof v === 'number') col[i] = v;
      else {
        text = true;
        let c = dict.indexOf(v);
        if (c < 0) c = dict.push(v) - 1;
        col[i] = c;
      }
    });
    levels.push(text ? dict : null);
    return col;
  });
  return { x, rows, levels };
}

test('TreeSHAP on a converted LightGBM model equals shap.TreeExplainer (tree_path_dependent) on every test row', () => {
  const doc = parseModelDocument(fx.document, 'treeshap-lightgbm.json');
  const model = loadModel(doc);
  const data = columns(fx.rows, model.features as string[]);
  const { base, values } = model.contributions(data);
  assert.ok(Math.abs(base - fx.base) < 1e-12, `base ${base} vs shap ${fx.base}`);
  let worst = 0;
  (fx.contributions as number[][]).forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(values[j][i] - v)))));
  const p = model.predictProba(data);
  let local = 0;
  for (let i = 0; i < data.rows; i++) {
    const sum = values.reduce((s, col) => s + col[i], base);
    local = Math.max(local, Math.abs(sum - (Math.log(p[i]) - Math.log1p(-p[i]))), Math.abs(sum - fx.rawScore[i]));
  }
  console.log(`# ${data.rows} rows: max |contribution − shap| ${worst.toExponential(2)}; max |base + Σ − logit(p)| ${local.toExponential(2)}`);
  assert.ok(worst < 1e-12, `contributions differ from shap's by ${worst}`);
  assert.ok(local < 1e-9, `local accuracy ${local}`);
});
