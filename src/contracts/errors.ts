// The user-facing error classes and their exit codes (a CLI contract, docs/cli.md), for the
// interfaces' start paths: the CLI raises a UsageError for a bad flag value and recognises these
// while it reads the command line, before it loads the library (src/index.ts exports them too).
// Defined in util/errors.ts, where the library's modules have always imported them from.
export { RiskwatchError, DataError, UsageError } from '../util/errors.js';
