#!/usr/bin/env node
// The one build step (`npm run build`, also run by `npm ci` through `prepare`):
// 1. tsc compiles src/ to dist/ — the library API (dist/index.js) with type declarations;
// 2. esbuild bundles the CLI into one file, dist/cli/riskwatch.mjs (the package's bin). One file
//    instead of ~300 modules cuts ~100 ms off every command's start — what a scheduled `run`
//    with no new data mostly consists of. better-sqlite3's JavaScript is bundled too; its native
//    addon is loaded from node_modules by path (src/store/sqlite/open-database.ts).
// 3. vite builds the dashboard (dashboard/, preact) into dist/dashboard/, which `serve` serves at
//    /dashboard/: hashed, minified assets, nothing loaded from elsewhere.
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const tsc = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.json`], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
// The report's vega and vega-lite as one file (dist/report/vega-libs.js, bundled in place): one
// module to load instead of ~100 packages, for the report worker and, through the bundle below,
// for `riskwatch report`.
await build({
  entryPoints: [`${root}dist/report/vega-libs.js`],
  outfile: `${root}dist/report/vega-libs.js`,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  banner: { js: "import { createRequire as __riskwatchRequire } from 'node:module'; const require = __riskwatchRequire(import.meta.url);" },
  logLevel: 'warning',
});
// commander requires node:child_process when it loads, only to spawn git-style executable
// subcommands (command.js uses childProcess.spawn and nothing else), which riskwatch does not
// have. Loading child_process (with dgram and its socket machinery) costs every command ~3 ms,
// so commander gets a stand-in that loads it on first use.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'lazy-child-process', namespace: 'riskwatch-shim' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'riskwatch-shim' }, () => ({
      contents: "module.exports = { get spawn() { return require('node:child_process').spawn; } };",
      loader: 'js',
    }));
  },
};
// The library's lazily loaded code (each operation src/index.ts loads on its first call, and the
// modules operations load on use) always runs after the entry: every command reaches the library
// through it. Each such chunk is therefore made to import the entry too, so the modules the entry
// loads at once are needed by every chunk alike and esbuild keeps them together in one shared
// chunk, instead of spreading them over some 40 small files by which operations also use them
// (each extra file costs a command ~0.3 ms to load; measured +8–14 ms CPU per command before this).
const entryFirst = {
  name: 'entry-first',
  setup(b) {
    const dist = `${root}dist/`;
    b.onResolve({ filter: /^\./ }, async (args) => {
      if (args.kind !== 'dynamic-import' || !args.importer.startsWith(dist) || args.importer.startsWith(`${dist}cli/`) || args.pluginData?.entryFirst) return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { entryFirst: true } });
      if (r.errors.length || !r.path.startsWith(dist)) return undefined;
      return { path: r.path, namespace: 'riskwatch-entry-first' };
    });
    b.onLoad({ filter: /.*/, namespace: 'riskwatch-entry-first' }, (args) => ({
      contents: `import ${JSON.stringify(`${dist}index.js`)};\nexport * from ${JSON.stringify(args.path)};\n`,
      resolveDir: dist,
      loader: 'js',
    }));
  },
};
// Chunk names carry a content hash: clear the last build's, or they pile up beside the bundle.
rmSync(`${root}dist/cli/chunks`, { recursive: true, force: true });
await build({
  entryPoints: { riskwatch: `${root}dist/cli/main.js` },
  plugins: [lazyChildProcess, entryFirst],
  outdir: `${root}dist/cli`,
  outExtension: { '.js': '.mjs' },
  // Code loaded only by some commands (the HTTP server) goes to its own chunk, so the others
  // do not parse it at start.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Reporting libraries read files from their package folders (fonts, AFM metrics) or load a native
  // addon (resvg): they stay external, and the report code imports them on first use. pg's optional
  // native binding is never installed.
  external: ['pg-native', 'vega', 'vega-lite', '@resvg/resvg-js', 'pdfkit', 'svg-to-pdfkit'],
  // Bundled CommonJS dependencies (pino, commander) call require(); give ESM one.
  banner: { js: "import { createRequire as __riskwatchRequire } from 'node:module'; const require = __riskwatchRequire(import.meta.url);" },
  minify: true,
  sourcemap: true, // dist/cli/riskwatch.mjs.map: stack traces map back with node --enable-source-maps
  logLevel: 'warning',
});
chmodSync(`${root}dist/cli/riskwatch.mjs`, 0o755);
// Worker threads, each bundled beside the CLI as one file (the thread loads one module instead of
// the tsc output's modules one by one, so it starts sooner), built on their own so the CLI bundle's
// chunks stay as they are:
// - predictions-worker: predict --out's formatting and writing thread (src/model/predictions-worker.ts);
// - parse-worker: the second half of a large data file, when two-part reads are on (src/data/parse-worker.ts);
// - gbdt-histogram-worker: the trees' histogram helper thread (src/model/gbdt/histogram-worker.ts);
// - gbdt-tree-shap-worker: a TreeSHAP thread, part of a list's rows (src/model/gbdt/tree-shap-worker.ts);
// - reference-worker: train's drift reference, built beside the fit (src/model/reference-worker.ts);
// - drift-worker: drift's numeric features compared beside the predictions (src/monitor/drift-worker.ts).
for (const [name, entry] of [
  ['predictions-worker', 'dist/model/predictions-worker.js'],
  ['parse-worker', 'dist/data/parse-worker.js'],
  ['reference-worker', 'dist/model/reference-worker.js'],
  ['drift-worker', 'dist/monitor/drift-worker.js'],
  ['gbdt-histogram-worker', 'dist/model/gbdt/histogram-worker.js'],
  ['gbdt-tree-shap-worker', 'dist/model/gbdt/tree-shap-worker.js'],
]) {
  await build({
    entryPoints: [`${root}${entry}`],
    outfile: `${root}dist/cli/${name}.mjs`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    logLevel: 'warning',
  });
}

// The dashboard: type-checked, then bundled by vite (configured here; no vite.config file to load).
const dashTsc = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}dashboard/tsconfig.json`], { stdio: 'inherit' });
if (dashTsc.status !== 0) process.exit(dashTsc.status ?? 1);
const { build: viteBuild } = await import('vite');
const { default: preact } = await import('@preact/preset-vite');
await viteBuild({
  configFile: false,
  root: `${root}dashboard`,
  base: './',
  logLevel: 'warn',
  plugins: [preact({ devToolsInProdBuild: false, prefreshEnabled: false })],
  build: {
    outDir: `${root}dist/dashboard`,
    emptyOutDir: true,
    target: 'es2022',
    // No inline polyfill script: the server's CSP allows only script files from itself.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
