import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModelDocument } from '../../src/registry/versions.ts';

// A model document that fails validation is one line naming the field and zod's message. The
// schema uses zod/mini, whose English messages come from src/util/zod-locale.ts; these are the
// messages classic zod gave, word for word.
const doc = {
  format: 'riskwatch.model/1', version: 'v1', createdAt: 't', datasetHash: 'h', features: ['a'], target: 't', idColumn: 'i', coefficients: { a: 1 }, intercept: 0, medians: { a: 0 },
  hyperParameters: { penalty: 'l2', C: 1, fitIntercept: true, maxIter: 100, tol: 1e-6, threshold: 0.5 },
  training: { rows: 1, positives: 1, iterations: 1, gradNorm: 0, objective: 0, converged: true, ms: 1 },
};

test('a valid model document parses to itself', () => {
  assert.deepEqual(parseModelDocument(doc, 'm.json'), doc);
});

const cases: [unknown, string][] = [
  [{ ...doc, format: 'x' }, 'field "format": Invalid input: expected "riskwatch.model/1"'],
  [{ ...doc, features: [] }, 'field "features": Too small: expected array to have >=1 items'],
  [{ ...doc, coefficients: { a: 'x' } }, 'field "coefficients.a": Invalid input: expected number, received string'],
  [{ ...doc, training: undefined }, 'field "training": Invalid input: expected object, received undefined'],
  [{ ...doc, hyperParameters: { ...doc.hyperParameters, penalty: 'l1' } }, 'field "hyperParameters.penalty": Invalid input: expected "l2"'],
  [null, 'field "": Invalid input: expected object, received null'],
];
for (const [json, field] of cases) {
  test(`an invalid model document names the field: ${field}`, () => {
    assert.throws(() => parseModelDocument(json, 'm.json'), { message: `m.json: not a riskwatch model (${field})` });
  });
}
