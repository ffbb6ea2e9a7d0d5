// Regenerates config.schema.json from the zod schema; a test checks the committed file is current.
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../src/config/json-schema.js';
writeFileSync(new URL('../config.schema.json', import.meta.url), JSON.stringify(configJsonSchema(), null, 2) + '\n');
