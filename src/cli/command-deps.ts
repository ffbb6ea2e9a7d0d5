/**
 * What a command needs before its own code runs: config validation (zod), the logger (pino), the
 * store (better-sqlite3). run-command.ts imports this when a command runs, not at start, so
 * `--version`, `--help` and usage errors do not load them (~30 ms of a ~130 ms start).
 */
export { loadConfig } from '../config/load.js';
export { makeContext } from '../context.js';
export { openStore } from '../store/open.js';
export { createLogger } from '../util/log.js';
export { noProgress, terminalProgress } from '../util/progress.js';
