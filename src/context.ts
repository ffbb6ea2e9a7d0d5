import type { Config } from './config/load.js';
import type { Store } from './store/types.js';
import { silentLogger, type Logger } from './util/log.js';
import { noProgress, type Progress } from './util/progress.js';

/** What every stage needs: the validated config, the metadata store, a logger, progress output. */
export interface Context {
  config: Config;
  store: Store;
  log: Logger;
  progress: Progress;
}

export function makeContext(config: Config, store: Store, log: Logger = silentLogger, progress: Progress = noProgress): Context {
  return { config, store, log, progress };
}
