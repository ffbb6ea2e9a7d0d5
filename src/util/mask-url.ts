/**
 * URLs and connection strings carry secrets (a database password, a webhook token). Anything
 * shown to a person or written to a log goes through maskUrl; a driver's error message goes
 * through redact, which also removes the password where it appears on its own.
 */
import { isPostgresUri, parseConninfo } from './conninfo.js';

const SECRET_PARAM = /token|key|secret|sig|pass|auth|code/i;

/**
 * `key=value` in free text or a libpq keyword/value string, the value unquoted (to whitespace) or
 * single-quoted with backslash escapes — an unterminated quote runs to the end, so nothing of
 * the value is left showing.
 */
const KEYWORD_VALUE = /([A-Za-z_][A-Za-z0-9_]*)(\s*=\s*)('(?:\\[\s\S]|[^'\\])*'?|(?:\\[\s\S]|[^\s\\])+)/g;

/**
 * Safe to show or log, whatever the form:
 * - a URL: `postgres://user:***@host/db?sslpassword=***`, `https://h/hook?token=***`;
 * - a libpq keyword/value string: `host=db user=app password=*** dbname=prod`;
 * - anything else: `user:pass@` and secret-looking `key=value` pairs are masked all the same.
 */
export function maskUrl(url: string): string {
  // Catches userinfo the URL parser does not see as such (`htp:/u:pw@host`, unparseable text).
  const loose = (s: string) => s.replace(/(^|[/\s])([^/@:\s?#]*):([^/@\s?#]+)@/g, '$1$2:***@');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return loose(maskKeywordValues(url)).slice(0, 200);
  }
  if (u.password) u.password = '***';
  for (const k of [...u.searchParams.keys()]) if (SECRET_PARAM.test(k)) u.searchParams.set(k, '***');
  // URLSearchParams percent-encodes `*`; keep the mask readable.
  return loose(u.toString().replace(/%2A%2A%2A/g, '***'));
}

function maskKeywordValues(s: string): string {
  return s.replace(KEYWORD_VALUE, (all, key: string, eq: string) => (SECRET_PARAM.test(key) ? `${key}${eq}***` : all));
}

/**
 * The secrets a connection string holds, decoded: the URL's password (userinfo or ?password=)
 * and ?sslpassword=, or the password= and sslpassword= values of a keyword/value string.
 */
export function connectionSecrets(url: string): string[] {
  const out: string[] = [];
  if (isPostgresUri(url) || /^[a-z][a-z0-9+.-]*:/i.test(url)) {
    try {
      const u = new URL(url);
      if (u.password) out.push(safeDecode(u.password));
      for (const [k, v] of u.searchParams) if (SECRET_PARAM.test(k) && v) out.push(v);
    } catch {
      /* not a URL: nothing known to be secret */
    }
  } else {
    for (const { key, value } of parseConninfo(url) ?? []) if (SECRET_PARAM.test(key) && value) out.push(value);
  }
  return out;
}

/** The password of a connection string, decoded ('' when none). */
export function urlPassword(url: string): string {
  return connectionSecrets(url)[0] ?? '';
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `text` with the connection string masked and its secrets (raw and encoded) replaced by ***. */
export function redact(text: string, url: string): string {
  let out = text.split(url).join(maskUrl(url));
  for (const secret of connectionSecrets(url)) {
    const forms = new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]);
    for (const p of forms) out = out.split(p).join('***');
  }
  return out;
}
