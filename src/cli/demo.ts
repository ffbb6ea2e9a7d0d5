import { join, resolve } from 'node:path';
import { loadConfig, makeContext, openStore, RiskwatchError, type DemoResult, type Logger } from '../index.js';

export { runDemo } from '../index.js';

// The demo's story (src/simulate/demo.ts, runDemo) is a library operation; here are what the
// command prints and the serving that ends `npm start`.

export function formatDemo(r: DemoResult): string {
  const lines = [`workspace: ${r.workspace}${r.created ? ' (created from the generator)' : ''}`];
  for (const s of r.steps) {
    const what = s.scenario === 'initial' ? 'history' : s.mix === 'expansion' ? 'a new region opens' : s.scenario === 'none' ? 'nothing changes' : s.scenario === 'covariate' ? 'inputs shift' : 'who leaves changes';
    lines.push(`  ${s.month.padEnd(22)} ${what.padEnd(18)} → ${s.run.status}: ${s.run.reason}`);
  }
  lines.push(`production: ${r.production ?? 'none'}`);
  if (r.created) lines.push(`next: riskwatch --config ${join(r.workspace, 'config.json')} drift | run | runs | models`);
  return lines.join('\n');
}

/**
 * The end of `npm start`: serve the demo workspace (API and dashboard) until SIGTERM/SIGINT and
 * print the dashboard's address. On config's port (8000) unless --port; when that port is taken
 * and none was asked for, any free port, so a second demo still starts.
 */
export async function serveDemo(dir: string, log: Logger, opts: { host?: string; port?: number; signal?: AbortSignal; onDashboard: (url: string) => void }): Promise<{ url: string; stopped: true }> {
  const config = loadConfig(join(resolve(dir), 'config.json'));
  const store = await openStore(config);
  const ctx = makeContext(config, store, log);
  const { serve } = await import('../server/app.js');
  const run = (port?: number) => serve(ctx, { host: opts.host, port, signal: opts.signal, onListening: (url) => opts.onDashboard(`${url}/dashboard/`) });
  try {
    try {
      return await run(opts.port);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      if (opts.port !== undefined) throw new RiskwatchError(`port ${opts.port} is in use; pick another with --port`);
      log.warn({ port: config.url.port }, `port ${config.url.port} is in use; serving on a free port`);
      return await run(0);
    }
  } finally {
    await store.close();
  }
}
