import type { Logger } from 'pino';
import { createRequire } from 'node:module';

// pino-pretty: loaded only on a terminal; it costs ~30 ms of start-up that scripts and pipes should not pay.
const nodeRequire = createRequire(import.meta.url);

export type { Logger };

/**
 * pino itself, loaded on first use. Loading it costs ~10 ms per process (its modules, a worker
 * and stream machinery it sets up), and a command that logs nothing at its level — `predict`,
 * an `ingest` with no new data — never needs it. In the CLI bundle `require` is the bundle's
 * own (scripts/build.mjs puts one in every file) and esbuild bundles this call as a lazily run
 * copy of pino; run unbundled (tests, the library), it is Node's, from node_modules.
 */
function loadPino(): typeof import('pino').default {
  return typeof require === 'function' ? require('pino') : nodeRequire('pino');
}

const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/**
 * A pino logger made on first need: a call at a level below `level` is a no-op, as in pino, and
 * does not load it; anything else (a call at an enabled level, `child`, `level`, …) makes the
 * real logger and forwards to it, so what is written is exactly what pino writes.
 */
function lazyLogger(level: string, make: () => Logger): Logger {
  let real: Logger | undefined;
  const get = () => (real ??= make());
  if (!(level in LEVELS)) get(); // pino rejects an unknown level when made: keep that error where it was
  const threshold = LEVELS[level];
  const noop = () => {};
  return new Proxy({} as Logger, {
    get(_, prop) {
      if (real === undefined && typeof prop === 'string' && prop !== 'silent' && LEVELS[prop] !== undefined && LEVELS[prop] < threshold) return noop;
      const r = get();
      const v = Reflect.get(r, prop, r);
      return typeof v === 'function' ? v.bind(r) : v;
    },
    set(_, prop, value) {
      return Reflect.set(get(), prop, value);
    },
    has(_, prop) {
      return Reflect.has(get(), prop);
    },
  });
}

/**
 * Structured logs on stderr (stdout carries results). JSON lines when stderr is a file or pipe;
 * a readable one-line format on a terminal. Synchronous so a crash never loses the last line.
 */
export function createLogger(level: string = 'info', opts: { pretty?: boolean } = {}): Logger {
  const usePretty = opts.pretty ?? Boolean(process.stderr.isTTY);
  if (usePretty) {
    const pino = loadPino();
    const pretty = nodeRequire('pino-pretty') as typeof import('pino-pretty');
    return pino({ level, base: undefined }, pretty({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }));
  }
  return lazyLogger(level, () => {
    const pino = loadPino();
    return pino({ level, base: { pid: process.pid } }, pino.destination({ dest: 2, sync: true }));
  });
}

/** A logger that drops everything (library callers that do not care). */
export const silentLogger: Logger = lazyLogger('silent', () => loadPino()({ level: 'silent' }));
