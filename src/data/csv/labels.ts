import { EMPTY, INVALID } from './cells.js';

/**
 * The label values a file writes (config target_positive / target_negative): the cell, trimmed,
 * must be one of the two. In the dataset a label is 1 (positive: the client left) or 0, whatever
 * the file wrote; finaldata.csv holds 1 and 0.
 */
export interface Labels {
  positive: string;
  negative: string;
}

/** The original project's labels, and finaldata.csv's. */
export const DEFAULT_LABELS: Labels = { positive: '1', negative: '0' };

/** 1, 0, EMPTY (a blank cell) or INVALID (anything else) for a label cell's text. */
export function labelOf(text: string, labels: Labels): number {
  const t = text.trim();
  if (t === '') return EMPTY;
  return t === labels.positive ? 1 : t === labels.negative ? 0 : INVALID;
}

/** What a label cell must hold, for messages: `"Yes" (left) or "No" (stayed)`. */
export function expectedLabels(labels: Labels): string {
  return `${JSON.stringify(labels.positive)} (left) or ${JSON.stringify(labels.negative)} (stayed)`;
}

/** The labels' UTF-8 bytes, for the fast path's byte comparison. */
export function labelBytes(labels: Labels): { positive: Uint8Array; negative: Uint8Array } {
  return { positive: Buffer.from(labels.positive, 'utf8'), negative: Buffer.from(labels.negative, 'utf8') };
}

export function isDefaultLabels(labels: Labels): boolean {
  return labels.positive === DEFAULT_LABELS.positive && labels.negative === DEFAULT_LABELS.negative;
}
