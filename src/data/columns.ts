import type { Config, } from '../config/load.js';
import type { FeatureType } from '../config/schema.js';

/** What a data file must hold, by column name (files may order columns any way). */
export interface TableSchema {
  id: string;
  features: string[];
  featureTypes: Record<string, FeatureType>;
  target: string;
  /** Training data needs labels; prediction input may leave the column out. */
  requireTarget: boolean;
  /** Prediction input may leave the id out: rows are then named by their line number. */
  requireId: boolean;
}

export function trainingSchema(c: Config): TableSchema {
  return { id: c.id, features: c.features, featureTypes: c.featureTypes, target: c.target, requireTarget: true, requireId: true };
}

export function predictionSchema(c: Config): TableSchema {
  return { ...trainingSchema(c), requireTarget: false, requireId: false };
}

/** Header → column positions. Throws a one-line reason the file cannot be used. */
export interface ColumnMap {
  count: number;
  id: number;
  target: number;
  features: number[];
  extra: string[];
}

export function mapHeader(header: string[], schema: TableSchema): ColumnMap {
  const names = header.map((h) => h.trim());
  if (names.length === 1 && names[0] === '') throw new Error('header row is empty');
  const positions = new Map<string, number[]>();
  names.forEach((n, i) => positions.set(n, [...(positions.get(n) ?? []), i]));
  const find = (name: string, required: boolean): number => {
    const at = positions.get(name);
    if (!at) {
      if (!required) return -1;
      const shown = names.length > 12 ? `${names.slice(0, 12).join(', ')}, ...` : names.join(', ');
      throw new Error(`required column "${name}" is missing (header has: ${shown})`);
    }
    if (at.length > 1) throw new Error(`column "${name}" appears ${at.length} times (columns ${at.map((i) => i + 1).join(', ')})`);
    return at[0];
  };
  const id = find(schema.id, schema.requireId);
  const features = schema.features.map((f) => find(f, true));
  const target = find(schema.target, schema.requireTarget);
  const known = new Set([schema.id, schema.target, ...schema.features]);
  const extra = names.filter((n) => !known.has(n));
  return { count: names.length, id, target, features, extra };
}
