import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * The schemas every command loads (config, model documents) use zod's tree-shakable API,
 * "zod/mini": the bundle keeps only the validators they use instead of classic zod's whole
 * 450 KB, which cost every command ~30 ms to load. Classic zod sets English messages on first
 * use; mini does not, and config and model errors quote them, so this module (imported for its
 * effect by those schemas) sets them the same way: only when no locale is configured yet.
 *
 * Import zod/mini as `import * as z from 'zod/mini'` and never pass the namespace around: a
 * namespace object that escapes makes the bundler keep all of zod.
 */
if (!config().localeError) config(en());
