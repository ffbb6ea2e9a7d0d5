/**
 * The library, loaded when a command runs: `--help`, `--version` and usage errors load none of it
 * (not even config validation, the logger or the store). The CLI reaches the library only through
 * its entry (src/index.ts), which loads each operation on its first call; the bundle
 * (scripts/build.mjs) puts the entry and each operation in chunks of their own.
 */
export const library = () => import('../index.js');
