import { UsageError } from '../contracts/errors.js';
import { library } from './library.js';
export { UsageError };

/**
 * Flag value parsers. Every bad flag value is a usage error (exit 2) caught when the command line
 * is read, before any config, store or data is touched — the same for every command.
 */

/** A whole number within [min, max]. */
export function intArg(flag: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (v: string) => {
    const n = /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? (min > 0 ? ` ≥ ${min}` : '') : ` from ${min} to ${max}`;
      throw new UsageError(`${flag}: expected a whole number${range}, got "${v}"`);
    }
    return n;
  };
}

/** A finite number, within [min, max] when given. */
export function floatArg(flag: string, min = -Infinity, max = Infinity) {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      const range = Number.isFinite(min) && Number.isFinite(max) ? ` from ${min} to ${max}` : Number.isFinite(min) ? ` ≥ ${min}` : Number.isFinite(max) ? ` ≤ ${max}` : '';
      throw new UsageError(`${flag}: expected a number${range}, got "${v}"`);
    }
    return n;
  };
}

/**
 * A cron expression, checked before the config is read. An async check in the command's action:
 * the library (and its cron parser) is loaded only by the commands that schedule, not by every command line.
 */
export async function checkCronArg(flag: string, v: string | undefined): Promise<void> {
  if (v === undefined) return;
  const { validateSchedule } = await library();
  try {
    validateSchedule(v);
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}`);
  }
}

/** One of a fixed list. */
export function choiceArg<T extends string>(flag: string, choices: readonly T[]) {
  return (v: string): T => {
    const expected = choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}` : choices[0];
    if (!(choices as readonly string[]).includes(v)) throw new UsageError(`${flag}: expected ${expected}, got "${v}"`);
    return v as T;
  };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Whether the command line asks for --json (read before commander, for errors commander raises itself). */
export function argvWantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}
