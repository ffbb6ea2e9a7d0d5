import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/load.js';
import type { ModelDocument } from '../contracts/model-document.js';
import { readModelFile, MODEL_FILE } from './versions.js';

/** prod_deployment_path/model.json: the production model of a file-based (sqlite) workspace. */
export function productionPath(config: Config): string {
  return join(config.productionFolder, MODEL_FILE);
}

/**
 * The production model file, if any: FileProductionSource's read, nothing else's. Everyone else reads
 * production through currentProduction(ctx) (production.ts), which also finds a PostgreSQL store's.
 */
export function readProductionFile(config: Config): ModelDocument | undefined {
  const path = productionPath(config);
  return existsSync(path) ? readModelFile(path) : undefined;
}
