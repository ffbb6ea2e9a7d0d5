import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// One way to read the production model (issue 14 item 6): currentProduction(ctx), or for the
// server's holder, which follows it, productionSource(ctx) — both src/registry/production.ts.
// Before, four ways coexisted: readProduction(config) (the file only, so wrong under a PostgreSQL
// store, where production is the latest deployment row), productionOf(ctx).current(),
// currentProduction(ctx) and a ModelHolder built from a config (a file read again).

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = join(ROOT, 'src');
const rel = (f: string) => relative(ROOT, f).split(sep).join('/');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Lines of src/ (outside `allowed`) whose code, comments stripped, matches `pattern`. */
function uses(pattern: RegExp, allowed: string[]): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const name = rel(file);
    if (allowed.includes(name)) continue;
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
      if (pattern.test(code)) found.push(`${name}:${i + 1}: ${line.trim()}`);
    });
  }
  return found;
}

test('the production model file is read by the file implementation alone', () => {
  assert.deepEqual(uses(/\breadProduction(File)?\b/, ['src/registry/production-file.ts', 'src/registry/file-deployment.ts']), [], 'read it with currentProduction(ctx)');
  assert.deepEqual(uses(/\bproductionPath\b/, ['src/registry/production-file.ts', 'src/registry/file-deployment.ts']), []);
});

test('the production pointer is used by the registry and deploy only: everyone else reads through currentProduction', () => {
  // deploy / rollback promote through it (model/deploy.ts); production.ts is where the one read is.
  assert.deepEqual(uses(/\bproductionOf\b/, ['src/registry/deployment.ts', 'src/registry/production.ts', 'src/model/deploy.ts']), [], 'read it with currentProduction(ctx), follow it with productionSource(ctx)');
  assert.deepEqual(uses(/\bFileProductionSource\b|\bStoreProduction\b|\bFileProduction\b/, ['src/registry/deployment.ts', 'src/registry/file-deployment.ts', 'src/registry/store-deployment.ts']), []);
});
