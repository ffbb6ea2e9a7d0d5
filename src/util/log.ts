import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Structured logs on stderr (stdout carries results). JSON lines when stderr is a file or pipe;
 * a readable one-line format on a terminal. Synchronous so a crash never loses the last line.
 */
export function createLogger(level: string = 'info', opts: { pretty?: boolean } = {}): Logger {
  const usePretty = opts.pretty ?? Boolean(process.stderr.isTTY);
  if (usePretty) {
    return pino({ level, base: undefined }, pretty({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }));
  }
  return pino({ level, base: { pid: process.pid } }, pino.destination({ dest: 2, sync: true }));
}

/** A logger that drops everything (library callers that do not care). */
export const silentLogger: Logger = pino({ level: 'silent' });
