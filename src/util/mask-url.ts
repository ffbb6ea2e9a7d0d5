/**
 * URLs carry secrets (a database password, a webhook token). Anything shown to a person or written
 * to a log goes through maskUrl; a driver's error message goes through redact, which also removes
 * the password where it appears on its own.
 */
const SECRET_PARAM = /token|key|secret|sig|pass|auth|code/i;

/** `https://user:***@host/path?token=***` — safe to log. Anything else that looks like `user:pass@` is masked too. */
export function maskUrl(url: string): string {
  // Catches userinfo the URL parser does not see as such (`htp:/u:pw@host`, unparseable text).
  const loose = (s: string) => s.replace(/(^|[/\s])([^/@:\s?#]*):([^/@\s?#]+)@/g, '$1$2:***@');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return loose(url).slice(0, 200);
  }
  if (u.password) u.password = '***';
  for (const k of [...u.searchParams.keys()]) if (SECRET_PARAM.test(k)) u.searchParams.set(k, '***');
  // URLSearchParams percent-encodes `*`; keep the mask readable.
  return loose(u.toString().replace(/%2A%2A%2A/g, '***'));
}

/** The password of a URL, decoded, from its userinfo or a ?password= parameter ('' when none). */
export function urlPassword(url: string): string {
  try {
    const u = new URL(url);
    const p = u.password ? safeDecode(u.password) : '';
    return p || (u.searchParams.get('password') ?? '');
  } catch {
    return '';
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `text` with the URL masked and its password (raw and percent-encoded) replaced by ***. */
export function redact(text: string, url: string): string {
  let out = text.split(url).join(maskUrl(url));
  const password = urlPassword(url);
  if (password) for (const p of new Set([password, encodeURIComponent(password)])) out = out.split(p).join('***');
  return out;
}
