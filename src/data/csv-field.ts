/**
 * RFC 4180 quoting of one field, in a module of its own (no imports): the predictions writer's
 * worker thread needs it without loading the dataset code.
 */
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** RFC 4180 quoting, only where needed. */
export function csvField(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
