/**
 * Connection URLs carry passwords. Anything shown to a person or written to a log goes through
 * maskUrl; error messages from drivers go through redact, which also removes the password when it
 * appears on its own (some drivers echo parts of the URL back).
 */
const MASK = '****';

/** The URL with its password replaced by ****; a string that does not parse as a URL is masked whole after the scheme. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = MASK;
    // A query string may carry the password too (libpq's ?password=...).
    for (const k of [...u.searchParams.keys()]) if (/pass|secret|token|key/i.test(k)) u.searchParams.set(k, MASK);
    return u.toString();
  } catch {
    // Unparseable: keep only what is surely not a secret.
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0];
    return scheme ? `${scheme}${MASK}` : MASK;
  }
}

/** The password in a URL, decoded ('' when none or unparseable). */
export function urlPassword(url: string): string {
  try {
    const u = new URL(url);
    const p = u.password ? decodeURIComponent(u.password) : '';
    return p || (u.searchParams.get('password') ?? '');
  } catch {
    return '';
  }
}

/** `text` with every occurrence of the URL, its password (raw and percent-encoded) replaced. */
export function redact(text: string, url: string): string {
  let out = text.split(url).join(maskUrl(url));
  const password = urlPassword(url);
  if (password) {
    for (const p of new Set([password, encodeURIComponent(password)])) out = out.split(p).join(MASK);
  }
  return out;
}
