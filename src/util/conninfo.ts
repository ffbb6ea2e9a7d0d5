/**
 * PostgreSQL connection strings in the two forms libpq accepts: a URI (`postgres://…`,
 * `postgresql://…`) and keyword/value (`host=db user=app password='a b' dbname=prod`). The pg
 * driver reads only the first, so a keyword/value string is turned into the equivalent URI before
 * it reaches the driver; masking (mask-url.ts) reads both.
 */

const URI = /^postgres(ql)?:\/\//i;

export function isPostgresUri(s: string): boolean {
  return URI.test(s);
}

export interface ConninfoPair {
  key: string;
  value: string;
  /** Where the raw value (quotes and escapes included) sits in the string. */
  start: number;
  end: number;
}

/**
 * The pairs of a keyword/value string, parsed as libpq's conninfo_parse does: `key = value`
 * separated by whitespace; a value is either unquoted (ends at whitespace) or single-quoted; in
 * both a backslash takes the next character literally (`'a b\'c'` is `a b'c`). null when the
 * string is not of that form (no `=`, a key without one, an unterminated quote).
 */
export function parseConninfo(s: string): ConninfoPair[] | null {
  const pairs: ConninfoPair[] = [];
  let i = 0;
  const n = s.length;
  const space = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
  while (i < n) {
    while (i < n && space(s[i])) i++;
    if (i >= n) break;
    const k0 = i;
    while (i < n && s[i] !== '=' && !space(s[i])) i++;
    const key = s.slice(k0, i);
    while (i < n && space(s[i])) i++;
    if (s[i] !== '=' || key === '') return null;
    i++;
    while (i < n && space(s[i])) i++;
    const start = i;
    let value = '';
    if (s[i] === "'") {
      i++;
      let closed = false;
      while (i < n) {
        if (s[i] === '\\' && i + 1 < n) {
          value += s[i + 1];
          i += 2;
        } else if (s[i] === "'") {
          closed = true;
          i++;
          break;
        } else value += s[i++];
      }
      if (!closed) return null;
    } else {
      while (i < n && !space(s[i])) {
        if (s[i] === '\\' && i + 1 < n) {
          value += s[i + 1];
          i += 2;
        } else value += s[i++];
      }
    }
    pairs.push({ key, value, start, end: i });
  }
  return pairs.length ? pairs : null;
}

/**
 * A connection string the pg driver understands: a URI as is; a keyword/value string as the
 * same settings in a URI (dbname in the path, every other keyword a query parameter, which
 * the driver reads as it reads them from a URI: host, port, user, password, sslmode, …).
 * Anything else is returned unchanged (the driver's own error names the problem).
 */
export function toPostgresUri(s: string): string {
  if (isPostgresUri(s)) return s;
  const pairs = parseConninfo(s);
  if (!pairs) return s;
  const params = new URLSearchParams();
  let dbname = '';
  for (const { key, value } of pairs) {
    if (key === 'dbname') dbname = value;
    else params.append(key, value);
  }
  const query = params.toString();
  return `postgres:///${encodeURIComponent(dbname)}${query ? `?${query}` : ''}`;
}
