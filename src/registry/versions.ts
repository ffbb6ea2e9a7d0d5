import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/load.js';
import { modelDocumentText, schemaFor, type ModelDocument } from '../contracts/model-document.js';
import { writeFileAtomicSync } from '../util/atomic.js';
import { DataError } from '../util/errors.js';

export const MODEL_FILE = 'model.json';

/** A model version id (`v3`): a name, never a path — no `/`, and it cannot start with `.`. */
export const VERSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function versionPath(config: Config, version: string): string {
  // Checked here, where a version becomes a path: `../production_deployment` read another folder's model.
  if (!VERSION_ID.test(version)) throw new DataError(`"${version}" is not a model version id (such as v3)`);
  return join(config.modelFolder, version, MODEL_FILE);
}

/** Write a new model version. Versions are immutable: an existing one is never overwritten. */
export function saveModelVersion(config: Config, doc: ModelDocument): string {
  const path = versionPath(config, doc.version);
  if (existsSync(path)) throw new DataError(`${path}: model version ${doc.version} already exists; versions are immutable`);
  writeFileAtomicSync(path, modelDocumentText(doc));
  return path;
}

export function readModelFile(path: string): ModelDocument {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataError(`${path}: cannot read model (${code === 'ENOENT' ? 'no such file' : (err as Error).message})`);
  }
  return parseModelDocument(json, path);
}

/** Validate a parsed model document; `where` names its origin (a file, a store row) in errors. */
export function parseModelDocument(json: unknown, where: string): ModelDocument {
  const format = json !== null && typeof json === 'object' ? (json as { format?: unknown }).format : undefined;
  const parsed = schemaFor(format).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataError(`${where}: not a riskwatch model (field "${issue.path.join('.')}": ${issue.message})`);
  }
  return parsed.data;
}

export function loadModelVersion(config: Config, version: string): ModelDocument {
  const path = versionPath(config, version);
  if (!existsSync(path)) throw new DataError(`model version "${version}" not found (no ${path}); see \`riskwatch models\``);
  return readModelFile(path);
}
