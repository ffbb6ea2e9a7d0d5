import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { notRegular } from '../../util/not-regular.js';
import { DataError } from '../../util/errors.js';

let addon: string | object | undefined;

/**
 * better-sqlite3's compiled addon, for its `nativeBinding` option. Without the option it asks the
 * `bindings` package, which probes a list of candidate paths (~10 ms) and finds the package from
 * the stack of its caller — which, in the CLI bundle (scripts/build.mjs bundles better-sqlite3's
 * JavaScript, one module instead of a dozen files), is the bundle, not node_modules/better-sqlite3.
 * So: the file where the install builds it; if it is not there, `bindings` itself, told where
 * the package is.
 */
function sqliteAddon(): string | object {
  if (addon === undefined) {
    const main = createRequire(import.meta.url).resolve('better-sqlite3'); // <pkg>/lib/index.js
    const root = join(dirname(main), '..');
    const file = join(root, 'build', 'Release', 'better_sqlite3.node');
    addon = existsSync(file) ? file : (createRequire(main)('bindings') as (o: object) => object)({ bindings: 'better_sqlite3.node', module_root: root });
  }
  return addon;
}

/** `new Database(path, options)` with the addon found as above: every SQLite file riskwatch opens goes through here. */
export function openDatabase(path: string, options: Database.Options = {}): Database.Database {
  // SQLite opens by path without O_NONBLOCK: a FIFO there would block this thread for good.
  let why: string | undefined;
  try {
    why = notRegular(statSync(path));
  } catch {
    // missing (SQLite creates it, or says so) or ':memory:'
  }
  if (why) throw new DataError(`${path}: ${why}`);
  return new Database(path, { ...options, nativeBinding: sqliteAddon() as string });
}
