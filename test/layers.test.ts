// The layers of src/ (.dependency-cruiser.cjs): no import goes up a layer, no two top-level
// folders of src/ import each other (directly or through other folders), every folder is placed.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as IConfiguration & { LAYERS: Record<string, string[]> };

/** src/<folder>/… → folder; src/<file> → file (a root file is a unit of its own). */
const unitOf = (path: string): string | null => /^src\/([^/]+)/.exec(path)?.[1] ?? null;

async function cruiseSrc(): Promise<ICruiseResult> {
  const cwd = process.cwd();
  process.chdir(root); // dependency-cruiser resolves paths from the working folder
  try {
    const { output } = await cruise(['src'], { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true, outputType: 'json' });
    return (typeof output === 'string' ? JSON.parse(output) : output) as ICruiseResult;
  } finally {
    process.chdir(cwd);
  }
}

/** The strongly connected components of more than one folder (Tarjan), each a folder cycle. */
function folderCycles(edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return out;
}

test('src/ keeps its layers: no upward import, no cycle between top-level folders', async () => {
  const result = await cruiseSrc();
  assert.ok(result.modules.length > 100, `cruised ${result.modules.length} modules of src/`);

  const violations = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
  assert.deepEqual(violations, [], `imports against the layers (.dependency-cruiser.cjs):\n  ${violations.join('\n  ')}`);

  // Folder cycles on the folder graph itself: folder a imports b and b imports a, even through
  // modules that form no cycle of modules.
  const edges = new Map<string, Set<string>>();
  const why = new Map<string, string>();
  for (const m of result.modules) {
    const from = unitOf(m.source);
    if (!from) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    for (const d of m.dependencies) {
      const to = unitOf(d.resolved);
      if (!to || to === from) continue;
      edges.get(from)!.add(to);
      if (!why.has(`${from}>${to}`)) why.set(`${from}>${to}`, `${m.source} → ${d.resolved}`);
    }
  }
  const cycles = folderCycles(edges).map((scc) => {
    const inside = [...why].filter(([k]) => scc.includes(k.split('>')[0]) && scc.includes(k.split('>')[1])).map(([, v]) => v);
    return `${scc.join(' ↔ ')} (${inside.join('; ')})`;
  });
  assert.deepEqual(cycles, [], `cycles between top-level folders of src/:\n  ${cycles.join('\n  ')}`);
});

test('the layer check fails on an upward import and on a folder cycle', async () => {
  // The rules themselves, on what they must refuse: a core folder importing an operation, an
  // operation importing an interface.
  type PathRule = { name: string; from: { path: string }; to: { path: string } };
  const upward = (config.forbidden as unknown as PathRule[]).filter((r) => r.name.startsWith('no-upward-import'));
  const refuses = (from: string, to: string) => upward.some((r) => new RegExp(r.from.path).test(from) && new RegExp(r.to.path).test(to));
  assert.ok(refuses('src/data/read-table.ts', 'src/ingest/ingest.ts'));
  assert.ok(refuses('src/stats/profile.ts', 'src/monitor/drift.ts'));
  assert.ok(refuses('src/pipeline/run.ts', 'src/cli/main.ts'));
  assert.ok(refuses('src/report/data.ts', 'src/index.ts'));
  assert.ok(!refuses('src/monitor/drift.ts', 'src/stats/profile.ts'));
  assert.ok(!refuses('src/cli/main.ts', 'src/pipeline/run.ts'));
  // server/ reaches the library through its entry only (plus contracts/ and its own files).
  type ToRule = { name: string; from: { path: string }; to: { path: string; pathNot: string } };
  const entry = (config.forbidden as unknown as ToRule[]).find((r) => r.name === 'server-through-library-entry')!;
  const serverRefuses = (from: string, to: string) => new RegExp(entry.from.path).test(from) && new RegExp(entry.to.path).test(to) && !new RegExp(entry.to.pathNot).test(to);
  assert.ok(serverRefuses('src/server/app.ts', 'src/util/errors.ts'));
  assert.ok(serverRefuses('src/server/plugins/registry.ts', 'src/model/deploy.ts'));
  assert.ok(!serverRefuses('src/server/app.ts', 'src/index.ts'));
  assert.ok(!serverRefuses('src/server/plugins/registry.ts', 'src/contracts/api.ts'));
  assert.ok(!serverRefuses('src/server/plugins/registry.ts', 'src/server/http-errors.ts'));
  assert.ok(!serverRefuses('src/cli/main.ts', 'src/util/errors.ts'));
  // Every top-level folder of src/ is placed in exactly one layer.
  const placed = Object.values(config.LAYERS).flat();
  assert.equal(new Set(placed).size, placed.length);
  assert.deepEqual(folderCycles(new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]])), [['a', 'b', 'c']]);
});

test('the CLI goes through the library: its rule refuses anything but the entry, contracts/, cli/ and the server\'s entry', () => {
  type PathRule = { name: string; from: { path: string }; to: { path: string; pathNot: string[] } };
  const rule = (config.forbidden as unknown as PathRule[]).find((r) => r.name === 'cli-through-the-library')!;
  const refuses = (from: string, to: string) => new RegExp(rule.from.path).test(from) && new RegExp(rule.to.path).test(to) && !rule.to.pathNot.some((p) => new RegExp(p).test(to));
  assert.ok(refuses('src/cli/commands.ts', 'src/store/sqlite/sqlite-store.ts'));
  assert.ok(refuses('src/cli/commands.ts', 'src/registry/production-file.ts'));
  assert.ok(refuses('src/cli/demo.ts', 'src/pipeline/run.ts'));
  // No per-command exceptions any more (issue 14 item 1): the operations go through the entry too.
  for (const op of ['model/train.ts', 'ingest/ingest.ts', 'store/open.ts', 'config/load.ts', 'util/errors.ts', 'util/log.ts', 'report/report.ts', 'pipeline/lock.ts']) {
    assert.ok(refuses('src/cli/commands.ts', `src/${op}`), `cli/ → ${op} refused`);
  }
  assert.ok(refuses('src/cli/commands.ts', 'src/server/plugins/registry.ts'), 'of the server, only its entry');
  assert.ok(!refuses('src/cli/demo.ts', 'src/index.ts'));
  assert.ok(!refuses('src/cli/commands.ts', 'src/contracts/run.ts'));
  assert.ok(!refuses('src/cli/main.ts', 'src/contracts/errors.ts'));
  assert.ok(!refuses('src/cli/commands.ts', 'src/cli/library.ts'));
  assert.ok(!refuses('src/cli/commands.ts', 'src/server/app.ts'));
  assert.ok(!refuses('src/server/app.ts', 'src/store/open.ts'), 'the rule is about cli/ only');
  assert.equal('CLI_LOADS' in config, false, 'the exception list is gone');
});
