/**
 * Explicit column-type mapping for database sources. A column riskwatch reads must have one of
 * these types; anything else (json, bytea, boolean, arrays, dates as features, ...) is an error
 * naming the column, never a silent conversion.
 */
export type MappedType = 'integer' | 'bigint' | 'numeric' | 'real' | 'text' | 'null' | 'timestamp';

/** What each role accepts. Text is validated by the same cell parsers as a CSV file's text. */
const ALLOWED: Record<'id' | 'feature' | 'target' | 'watermark', MappedType[]> = {
  id: ['text', 'integer', 'bigint', 'numeric', 'null'],
  feature: ['integer', 'bigint', 'numeric', 'real', 'text', 'null'],
  target: ['integer', 'bigint', 'numeric', 'real', 'text', 'null'],
  watermark: ['integer', 'bigint', 'numeric', 'real', 'text', 'timestamp'],
};

/** PostgreSQL type OIDs (pg_type) → mapped type. */
const PG_TYPES: Record<number, MappedType> = {
  21: 'integer', // int2
  23: 'integer', // int4
  20: 'bigint', // int8
  1700: 'numeric',
  700: 'real', // float4
  701: 'real', // float8
  25: 'text',
  1043: 'text', // varchar
  1042: 'text', // bpchar
  19: 'text', // name
  705: 'null', // unknown (an untyped NULL literal)
  1082: 'timestamp', // date
  1114: 'timestamp',
  1184: 'timestamp', // timestamptz
};

export function mapPgType(oid: number): MappedType | null {
  return PG_TYPES[oid] ?? null;
}

/**
 * SQLite declared type → mapped type, by SQLite's own affinity rules (section 3.1 of "Datatypes
 * In SQLite"). An expression column has no declared type: its values are checked one by one.
 */
export function mapSqliteType(declared: string | null): MappedType | null {
  if (declared === null || declared.trim() === '') return 'null';
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'integer';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'text';
  if (t.includes('BLOB')) return null;
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'real';
  if (t.includes('DATE') || t.includes('TIME')) return 'timestamp';
  return 'numeric';
}

/** Throws a one-line reason when `column` (in `role`) has a type riskwatch does not map. */
export function checkColumnType(column: string, role: keyof typeof ALLOWED, declared: string, mapped: MappedType | null): void {
  if (mapped && ALLOWED[role].includes(mapped)) return;
  const expected = ALLOWED[role].join(', ');
  throw new Error(`column "${column}" has type ${declared}, which riskwatch cannot map for the ${role} (expected ${expected})`);
}
