import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../helpers/workspace.ts';

// The API's response types are declared once (src/contracts/api.ts) and the dashboard imports
// them: a copy kept by hand in dashboard/src drifts from what the server sends.
const CONTRACTS = join(ROOT, 'src', 'contracts', 'api.ts');
const DASHBOARD = join(ROOT, 'dashboard', 'src');

function sharedNames(): string[] {
  const src = readFileSync(CONTRACTS, 'utf8');
  return [...src.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]);
}

function dashboardFiles(dir = DASHBOARD): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? dashboardFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

test('the contracts module imports nothing, so the browser build compiles against it as it is', () => {
  const src = readFileSync(CONTRACTS, 'utf8');
  assert.doesNotMatch(src, /^\s*(import|export [^\n]* from)\b/m);
  assert.doesNotMatch(src, /\brequire\(|node:/);
  // Types only: nothing the bundle would have to carry.
  assert.doesNotMatch(src, /^export (const|function|class|let|enum)\b/m);
});

test('the dashboard re-declares none of the shared response types and imports them from src/contracts', () => {
  const names = sharedNames();
  for (const n of ['PopulationInfo', 'RiskList', 'Diagnosis', 'CommandRecord', 'Evaluation', 'Distributions', 'SessionState']) assert.ok(names.includes(n), n);
  // The dashboard names GET /population's shape `Population` (an alias of PopulationView).
  const guarded = [...names, 'Population'];
  const redeclared: string[] = [];
  for (const file of dashboardFiles()) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/^\s*(?:export\s+)?(?:interface|type)\s+(\w+)/gm)) if (guarded.includes(m[1])) redeclared.push(`${relative(ROOT, file)}: ${m[1]}`);
  }
  assert.deepEqual(redeclared, []);
  const api = readFileSync(join(DASHBOARD, 'api.ts'), 'utf8');
  assert.match(api, /from '\.\.\/\.\.\/src\/contracts\/api\.js'/);
});
