import pino, { type Logger } from 'pino';
import { createRequire } from 'node:module';

// Loaded only on a terminal: it costs ~30 ms of start-up that scripts and pipes should not pay.
const require = createRequire(import.meta.url);

export type { Logger };

/**
 * Structured logs on stderr (stdout carries results). JSON lines when stderr is a file or pipe;
 * a readable one-line format on a terminal. Synchronous so a crash never loses the last line.
 */
export function createLogger(level: string = 'info', opts: { pretty?: boolean } = {}): Logger {
  const usePretty = opts.pretty ?? Boolean(process.stderr.isTTY);
  if (usePretty) {
    const pretty = require('pino-pretty') as typeof import('pino-pretty');
    return pino({ level, base: undefined }, pretty({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }));
  }
  return pino({ level, base: { pid: process.pid } }, pino.destination({ dest: 2, sync: true }));
}

/** A logger that drops everything (library callers that do not care). */
export const silentLogger: Logger = pino({ level: 'silent' });
