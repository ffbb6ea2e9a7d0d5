import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../util/errors.js';
import { packageRoot } from './dependencies.js';

/**
 * The bundled font (DejaVu Sans, assets/fonts, licence beside it): charts and the PDF use it and
 * nothing else, so text renders the same on every machine, with or without system fonts.
 */
export function fontFiles(): { regular: string; bold: string } {
  const dir = join(packageRoot(), 'assets', 'fonts');
  const regular = join(dir, 'DejaVuSans.ttf');
  const bold = join(dir, 'DejaVuSans-Bold.ttf');
  if (!existsSync(regular) || !existsSync(bold)) throw new DataError(`${dir}: the report font (DejaVuSans.ttf, DejaVuSans-Bold.ttf) is missing; reinstall riskwatch`);
  return { regular, bold };
}
