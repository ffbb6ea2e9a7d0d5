/** `postgres://user:***@host:5432/db`: safe to show in logs, errors and JSON. */
export function maskPostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const k of [...u.searchParams.keys()]) if (/pass|secret|key|token/i.test(k)) u.searchParams.set(k, '***');
    return u.toString().replace(/%2A%2A%2A/g, '***');
  } catch {
    return url.replace(/(\/\/[^/:@\s]*):[^/@\s]*@/, '$1:***@').slice(0, 200);
  }
}

/** Remove the raw URL and its password (raw and decoded) from a message. */
export function scrubSecret(message: string, url: string | undefined): string {
  if (!url) return message;
  let out = message.split(url).join(maskPostgresUrl(url));
  let pass = '';
  try {
    pass = new URL(url).password;
  } catch {
    pass = /\/\/[^/:@\s]*:([^/@\s]*)@/.exec(url)?.[1] ?? '';
  }
  for (const p of new Set([pass, safeDecode(pass)])) if (p) out = out.split(p).join('***');
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
