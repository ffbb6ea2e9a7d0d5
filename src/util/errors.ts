/**
 * Errors the user can act on. The CLI prints `message` as one line and exits with `exitCode`;
 * anything else is a bug and keeps its stack trace.
 */
export class RiskwatchError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'RiskwatchError';
    this.exitCode = exitCode;
  }
}

/** Bad data or config: exit 1. */
export class DataError extends RiskwatchError {
  constructor(message: string) {
    super(message, 1);
    this.name = 'DataError';
  }
}

/** Wrong command line: exit 2. */
export class UsageError extends RiskwatchError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/**
 * A shared resource another process holds for longer than riskwatch waits (the SQLite store
 * during another command's write): exit 1, one line saying what to do. Not a bug.
 */
export class BusyError extends RiskwatchError {
  constructor(message: string) {
    super(message, 1);
    this.name = 'BusyError';
  }
}
