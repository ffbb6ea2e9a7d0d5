import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceConfig } from '../../src/config/workspace-config.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { deploy } from '../../src/model/deploy.ts';
import { train } from '../../src/model/train.ts';
import type { Context } from '../../src/context.ts';
import { context } from './workspace.ts';
import { tempDir } from './temp.ts';
import { rng } from '../monitor/gen.ts';

/**
 * A client file with exactly `counts[region]` rows of each region ('' = a blank cell), shuffled,
 * an activity count and a label that depends on the region (north leaves more).
 */
export function regionClients(counts: Record<string, number>, seed: number, start: number): string {
  const u = rng(seed);
  const regions = Object.entries(counts).flatMap(([r, n]) => Array<string>(n).fill(r));
  for (let i = regions.length - 1; i > 0; i--) {
    const k = Math.floor(u() * (i + 1));
    [regions[i], regions[k]] = [regions[k], regions[i]];
  }
  const lines = ['corporation,region,lastmonth_activity,exited'];
  regions.forEach((r, i) => lines.push(`c${start + i},${r},${Math.floor(u() * 200)},${u() < (r === 'north' ? 0.4 : 0.15) ? 1 : 0}`));
  return lines.join('\n') + '\n';
}

/**
 * A workspace whose model (deployed) was trained on `training` region counts (m1.csv), and whose
 * latest ingestion is `batch` (m2.csv): what GET /distributions compares.
 */
export async function regionWorkspace(training: Record<string, number>, batch: Record<string, number>, test: Record<string, number> = { north: 100, south: 100 }): Promise<{ dir: string; ctx: Context }> {
  const dir = tempDir('rw-region-');
  mkdirSync(join(dir, 'sourcedata'));
  mkdirSync(join(dir, 'testdata'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(workspaceConfig({ features: ['lastmonth_activity', 'region'], feature_types: { region: 'category', lastmonth_activity: 'count' } } as never)));
  writeFileSync(join(dir, 'sourcedata', 'm1.csv'), regionClients(training, 1, 0));
  writeFileSync(join(dir, 'testdata', 'testdata.csv'), regionClients(test, 2, 100_000));
  const ctx = await context(join(dir, 'config.json'));
  await ingest(ctx);
  await train(ctx);
  await deploy(ctx);
  writeFileSync(join(dir, 'sourcedata', 'm2.csv'), regionClients(batch, 3, 200_000));
  await ingest(ctx);
  return { dir, ctx };
}
