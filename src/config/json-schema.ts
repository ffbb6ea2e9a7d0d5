import * as z from 'zod/mini';
import { configSchema } from './schema.js';

/** The JSON Schema editors use to complete and check config.json (shipped as config.schema.json). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, title: 'riskwatch config.json', $id: 'https://riskwatch.dev/config.schema.json' };
}
