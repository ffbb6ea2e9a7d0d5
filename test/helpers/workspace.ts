import { mkdirSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadConfig } from '../../src/config/load.ts';
import { makeContext, type Context } from '../../src/context.ts';
import { openStore } from '../../src/store/open.ts';
import { workspaceConfig } from '../../src/config/workspace-config.ts';
import { tempDir } from './temp.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;
// The original project's sample data and config (copied from shared/seed/data: the tests must
// run from a clean clone anywhere).
export const SEED = join(ROOT, 'test', 'fixtures', 'seed-data');
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const HEADER = 'corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited';

/** A fresh workspace in a temp folder: config.json with the seed's keys, empty source/test folders. */
export function makeWorkspace(extraConfig: Record<string, unknown> = {}): { dir: string; config: string; source: string; test: string } {
  const dir = tempDir('riskwatch-test-');
  const source = join(dir, 'sourcedata');
  const test = join(dir, 'testdata');
  mkdirSync(source);
  mkdirSync(test);
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify(workspaceConfig(extraConfig)),
  );
  return { dir, config, source, test };
}

/** A workspace holding the seed's sample data (sourcedata + testdata). */
/** A workspace with the seed's data; `model`: keys merged into its config's "model". */
export function seedWorkspace(model?: Record<string, unknown>): { dir: string; config: string; source: string; test: string } {
  const ws = makeWorkspace();
  cpSync(join(SEED, 'sourcedata'), ws.source, { recursive: true });
  cpSync(join(SEED, 'testdata'), ws.test, { recursive: true });
  if (model) {
    const config = JSON.parse(readFileSync(ws.config, 'utf8'));
    writeFileSync(ws.config, JSON.stringify({ ...config, model: { ...config.model, ...model } }));
  }
  return ws;
}

export async function context(configPath: string): Promise<Context> {
  const config = loadConfig(configPath);
  return makeContext(config, await openStore(config));
}

/** Run the built CLI (dist/) as a user would. */
export function cli(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): { status: number; stdout: string; stderr: string } {
  // A hung command fails its test (after 5 minutes unless told) instead of hanging the whole suite.
  const timeout = opts.timeoutMs ?? 300_000;
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'riskwatch.mjs'), ...args], { cwd: opts.cwd ?? ROOT, encoding: 'utf8', maxBuffer: 1 << 28, input: opts.input, env: { ...process.env, NO_COLOR: '1', ...opts.env }, timeout, killSignal: 'SIGKILL' });
  const timedOut = r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `\n[test helper] riskwatch ${args.join(' ')} was still running after ${timeout / 1000} s and was killed\n` : '';
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr + timedOut };
}

/**
 * A seed workspace with `versions` model versions trained (each after one more small data file)
 * and the first deployed (unless `deploy: false`): the starting point of the registry and server tests.
 */
export async function seedWithModels(versions = 1, opts: { deploy?: boolean } = {}): Promise<{ ws: ReturnType<typeof seedWorkspace>; ctx: Context; versions: string[] }> {
  const { ingest } = await import('../../src/ingest/ingest.ts');
  const { train } = await import('../../src/model/train.ts');
  const { deploy } = await import('../../src/model/deploy.ts');
  const ws = seedWorkspace();
  const ctx = await context(ws.config);
  const out: string[] = [];
  for (let i = 0; i < versions; i++) {
    if (i > 0) writeFileSync(join(ws.source, `more${i}.csv`), `${HEADER}\nextra${i},${i},${i * 10},${i + 1},${i % 2}\n`);
    await ingest(ctx);
    out.push((await train(ctx)).version);
  }
  if (opts.deploy !== false) await deploy(ctx, out[0]);
  return { ws, ctx, versions: out };
}
