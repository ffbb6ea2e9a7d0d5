import { RiskwatchError } from '../util/errors.js';

// Its own module so the library entry can export it (the server tells it from other read errors)
// without loading the file reader (read-data-file.ts, which raises it).
/** A file with more rows than ReadOptions.maxRows; `message` names where and the limit. */
export class TooManyRowsError extends RiskwatchError {
  constructor(
    readonly limit: number,
    where: string,
  ) {
    super(`${where}: more than ${limit} rows`);
    this.name = 'TooManyRowsError';
  }
}
