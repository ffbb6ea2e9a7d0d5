import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema } from '../../src/config/json-schema.ts';
import { ROOT } from '../helpers/workspace.ts';

// docs/config.md is generated from the config schema (`npm run docs`); a schema change without
// regenerating it fails here, so the config reference never drifts from what riskwatch accepts.
test('docs/config.md is generated from the config schema and up to date', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/write-config-docs.ts', '--check'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('docs/config.md names every config key, every nested key by its dotted name', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'config.md'), 'utf8');
  const walk = (props: Record<string, any>, prefix: string): string[] =>
    Object.entries(props).flatMap(([k, p]) => (p.type === 'object' && p.properties ? walk(p.properties, prefix + k + '.') : [prefix + k]));
  for (const key of walk((configJsonSchema() as any).properties, '')) assert.ok(doc.includes('`' + key + '`'), `docs/config.md lacks ${key}`);
});
