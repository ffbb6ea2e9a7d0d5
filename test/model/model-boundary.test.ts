import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// The model interface's promise (src/model/fitted-model.ts): outside src/model, code scores and
// exports models through loadModel → FittedModel only. A second family can plug in at loadModel
// only while no other folder knows the logistic regression's parameters or its kernel.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = join(ROOT, 'src');
const MODEL = join(SRC, 'model') + sep;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const outside = sourceFiles(SRC).filter((f) => !f.startsWith(MODEL));
const rel = (f: string) => relative(ROOT, f).split(sep).join('/');

test('the scan sees the folders that score with a model', () => {
  const seen = new Set(outside.map((f) => rel(f).split('/')[1]));
  for (const folder of ['monitor', 'report', 'server', 'population', 'cli']) assert.ok(seen.has(folder), `src/${folder} scanned`);
});

test('nothing outside src/model imports a model family\'s internals (src/model/logistic…)', () => {
  const offending: string[] = [];
  for (const file of outside) {
    // Static imports, re-exports and import() with a literal path alike.
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = rel(resolve(dirname(file), fileName)).replace(/\.js$/, '');
      if (/^src\/model\/logistic(\/|$)/.test(target)) offending.push(`${rel(file)} imports ${fileName}`);
    }
  }
  assert.deepEqual(offending, [], 'go through loadModel (src/model/fitted-model.ts) instead');
});

// Reading a model document's parameters directly. Two files name such a property for another
// reason: the simulator's own generating weights, and the CLI's text form of `train`'s result
// (its --json contract carries the fitted coefficients).
const PARAMETER = /\bmodelArrays\b|\.(coefficients|intercept|medians|hyperParameters)\b/;
const NOT_A_MODEL: Record<string, RegExp> = {
  'src/simulate/generate.ts': /\bw\.intercept\b/g,
  'src/cli/format.ts': /\br\.(coefficients|intercept)\b/g,
};

test('nothing outside src/model reads coefficients, intercept, medians or hyper-parameters', () => {
  const offending: string[] = [];
  for (const file of outside) {
    const name = rel(file);
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '').replace(NOT_A_MODEL[name] ?? /$^/g, '');
      if (PARAMETER.test(code)) offending.push(`${name}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offending, [], 'score through FittedModel.predictProba and read FittedModel.threshold instead');
});
