import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { categorySeparation, LEAK_AUC, numericSeparation } from '../../src/init/leak.ts';

// init's leak rule against scikit-learn's roc_auc_score (scripts/fixtures/make_init_leak_fixture.py).
const { cases } = JSON.parse(readFileSync(new URL('../fixtures/init/leak-auc.json', import.meta.url), 'utf8')) as {
  cases: Array<{ name: string; kind: 'numeric' | 'category'; y: number[]; cells: string[]; separation: number }>;
};

for (const c of cases) {
  test(`single-feature AUC as scikit-learn computes it: ${c.name}`, () => {
    const y = Uint8Array.from(c.y);
    const got = c.kind === 'numeric' ? numericSeparation(c.cells, y) : categorySeparation(c.cells, y);
    assert.ok(Math.abs(got - c.separation) < 1e-12, `${got} vs ${c.separation}`);
  });
}

test('the rule: the leaks of the fixture reach LEAK_AUC, the informative columns do not', () => {
  const verdict = Object.fromEntries(cases.map((c) => [c.name, c.separation >= LEAK_AUC]));
  assert.deepEqual(verdict, {
    'informative number': false,
    'score from the label': true,
    'filled only for leavers': true,
    'informative category with rare values': false,
    'reason filled only for leavers': true,
  });
});
