/**
 * Cell parsers that read numbers straight from the record's bytes (no string per cell on the
 * happy path). Failures return a negative code; `classify*` explains a failure for the reject log.
 */

export const EMPTY = -1;
export const INVALID = -2;

const SPACE = 32;
const TAB = 9;
const ZERO = 48;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Non-negative decimal integer, surrounding spaces allowed: value, EMPTY or INVALID. */
export function parseCount(buf: Buffer, s: number, e: number): number {
  while (s < e && (buf[s] === SPACE || buf[s] === TAB)) s++;
  while (e > s && (buf[e - 1] === SPACE || buf[e - 1] === TAB)) e--;
  if (s === e) return EMPTY;
  while (e - s > 1 && buf[s] === ZERO) s++; // leading zeros do not make a number large
  if (e - s > 16) return INVALID; // beyond 2^53 precision; classify() says "too large" if digits
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = buf[i] - ZERO;
    if (d < 0 || d > 9) return INVALID;
    v = v * 10 + d;
  }
  return v > MAX_SAFE ? INVALID : v;
}

/**
 * A cell that holds nothing but white space (spaces, tabs, a no-break space as Excel exports
 * write it, any Unicode space): missing, as an empty cell is — in a count, a number or a label
 * column alike. The same rule as String.prototype.trim, which parseNumber already applied.
 */
export function isBlank(text: string): boolean {
  return text.trim() === '';
}

/**
 * A count cell parseCount refused, read again as text: surrounding white space beyond spaces and
 * tabs (a no-break space) trimmed. Rare path: parseCount handles the usual cells from the bytes.
 */
export function parseCountText(text: string): number {
  const t = text.trim();
  if (t === '') return EMPTY;
  if (!/^[0-9]+$/.test(t)) return INVALID;
  const v = Number(t);
  return v > MAX_SAFE ? INVALID : v;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Any finite decimal number: value, or NaN for empty (check isEmpty first) / invalid. */
export function parseNumber(text: string): number {
  const t = text.trim();
  if (!DECIMAL.test(t)) return Number.NaN;
  const v = Number(t);
  return Number.isFinite(v) ? v : Number.NaN;
}

/** Why a cell is not a valid non-negative integer count — a stable reason code. */
export function classifyCount(text: string): RejectReason {
  // Trim what parseCountText trims: "5\u00a0" is 5, but "5\r" is no number "too large".
  const t = text.replace(/^[^\S\r\n]+|[^\S\r\n]+$/g, '');
  if (/^[+-]?(nan|inf|infinity)$/i.test(t)) return 'not_finite';
  if (/^\d+$/.test(t)) return 'too_large';
  if (/^-/.test(t) && DECIMAL.test(t)) return 'negative';
  if (DECIMAL.test(t)) return 'decimal';
  return 'not_a_number';
}

export function classifyNumber(text: string): RejectReason {
  const t = text.trim();
  if (/^[+-]?(nan|inf|infinity)$/i.test(t)) return 'not_finite';
  if (DECIMAL.test(t)) return 'too_large';
  return 'not_a_number';
}

/** Label 0/1 with optional surrounding spaces: 0, 1, EMPTY or INVALID. */
export function parseLabel(buf: Buffer, s: number, e: number): number {
  while (s < e && (buf[s] === SPACE || buf[s] === TAB)) s++;
  while (e > s && (buf[e - 1] === SPACE || buf[e - 1] === TAB)) e--;
  if (s === e) return EMPTY;
  if (e - s !== 1) return INVALID;
  const d = buf[s] - ZERO;
  return d === 0 || d === 1 ? d : INVALID;
}

/** Every reason a row can be rejected for; the keys of `rejectedByReason` in ingest results. */
export type RejectReason =
  | 'field_count'
  | 'malformed_quotes'
  | 'missing_id'
  | 'missing_label'
  | 'invalid_label'
  | 'not_a_number'
  | 'decimal'
  | 'negative'
  | 'not_finite'
  | 'too_large';

export const REJECT_REASONS: Record<RejectReason, string> = {
  field_count: 'wrong number of fields',
  malformed_quotes: 'text after a closing quote',
  missing_id: 'empty id',
  missing_label: 'empty label',
  invalid_label: 'label is neither the positive nor the negative value',
  not_a_number: 'text where a number was expected',
  decimal: 'decimal where a whole count was expected',
  negative: 'negative count',
  not_finite: 'NaN or Infinity',
  too_large: 'number too large to hold exactly',
};
