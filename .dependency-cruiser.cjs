// The layers of src/, checked by test/layers.test.ts (part of npm test). Imports go down or
// sideways, never up; no two top-level folders of src/ import each other, even through others.
// Type-only imports count (tsPreCompilationDeps): a type shared both ways is a cycle too — such a
// type belongs in contracts/.
//
//   interfaces   cli/  server/  index.ts (the library entry)
//   operations   ingest/ model/ registry/ monitor/ population/ pipeline/ report/ simulate/ init/
//   core         util/ types/ contracts/ config/ store/ data/ stats/ context.ts
//
// A folder added to src/ must be placed here (the test fails on an unplaced one).
/** @type {Record<string, string[]>} layer → top-level folders (or root files) of src/ */
const LAYERS = {
  core: ['util', 'types', 'contracts', 'config', 'store', 'data', 'stats', 'context.ts'],
  operations: ['ingest', 'model', 'registry', 'monitor', 'population', 'pipeline', 'report', 'simulate', 'init'],
  interfaces: ['cli', 'server', 'index.ts'],
};

const esc = (s) => s.replace(/[.]/g, '\\.');

// The HTTP interface's own entry: `serve` and the end of `demo` start the server (another interface,
// not part of the library, which must not import it — the server imports the library).
const CLI_STARTS_SERVER = 'server/app.ts';
const pathOf = (names) => `^src/(${names.map(esc).join('|')})(/|$)`;
const above = (layer) => {
  const order = Object.keys(LAYERS);
  return order.slice(order.indexOf(layer) + 1).flatMap((l) => LAYERS[l]);
};

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...['core', 'operations'].map((layer) => ({
      name: `no-upward-import-from-${layer}`,
      comment: `${layer} code (${LAYERS[layer].join(', ')}) must not import from a layer above it (${above(layer).join(', ')})`,
      severity: 'error',
      from: { path: pathOf(LAYERS[layer]) },
      to: { path: pathOf(above(layer)) },
    })),
    {
      name: 'cli-through-the-library',
      comment: 'cli/ reaches the library only through its entry (src/index.ts), plus contracts/, its own files and the server\'s entry (serve)',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/', pathNot: ['^src/cli/', '^src/index\\.ts$', '^src/contracts/', `^src/${esc(CLI_STARTS_SERVER)}$`] },
    },
    {
      name: 'no-folder-cycle',
      comment: 'no cycle between top-level folders of src/: a module must not reach, through imports, a module of its own folder by way of another folder',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: {
        // A cycle that leaves the folder and comes back to it.
        circular: true,
        viaSomeNot: '^src/$1/',
      },
    },
    {
      name: 'server-through-library-entry',
      comment: 'server/ reaches the library only through its public entry (src/index.ts), plus the contract types and its own files',
      severity: 'error',
      from: { path: '^src/server/' },
      to: { path: '^src/', pathNot: '^src/(server/|contracts/|index\\.ts$)' },
    },
    {
      name: 'no-unplaced-folder',
      comment: 'every top-level folder of src/ has a layer in .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^src/', pathNot: pathOf(Object.values(LAYERS).flat()) },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/types/.*\\.d\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};

// For test/layers.test.ts; not enumerable, as depcruise's CLI refuses unknown keys in a config.
Object.defineProperty(module.exports, 'LAYERS', { value: LAYERS, enumerable: false });
