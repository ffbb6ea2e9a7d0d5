/**
 * The sign-in page of read access control: one form that POSTs the token to /signin. Plain HTML
 * with its style inline and no script (the CSP allows inline styles; nothing is fetched), so it
 * works offline and before any session exists.
 */

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function signInPage(opts: { next: string; error?: string; signedOut?: boolean }): string {
  const notice = opts.error
    ? `<p class="error" role="alert">${esc(opts.error)}</p>`
    : opts.signedOut
      ? '<p class="info" role="status">You are signed out.</p>'
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light"><title>Sign in — riskwatch</title><link rel="icon" href="data:,">
<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f3f5f8;color:#1d2330;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border:1px solid #d9dee7;border-radius:10px;padding:2rem 2.2rem;width:min(24rem,calc(100vw - 3rem));box-shadow:0 2px 10px rgba(20,30,50,.06)}
h1{font-size:1.35rem;margin:0 0 .3rem}
p{margin:.4rem 0 1rem;color:#4a5468}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
input[type=password]{box-sizing:border-box;width:100%;font:inherit;padding:.55rem .7rem;border:1px solid #aab3c2;border-radius:6px}
input[type=password]:focus{outline:2px solid #2f6fde;outline-offset:1px;border-color:#2f6fde}
button{margin-top:1.2rem;width:100%;font:inherit;font-weight:600;padding:.6rem;border:0;border-radius:6px;background:#2f6fde;color:#fff;cursor:pointer}
button:hover{background:#2459b8}
.error{color:#a61b1b;background:#fdecec;border:1px solid #f3c1c1;border-radius:6px;padding:.5rem .7rem}
.info{color:#1d5a2e;background:#eaf6ee;border:1px solid #bfe2c9;border-radius:6px;padding:.5rem .7rem}
small{display:block;margin-top:1rem;color:#6a7385}
</style></head>
<body><main>
<h1>riskwatch</h1>
<p>This server's client risk is private. Sign in with its read token.</p>
${notice}
<form method="post" action="/signin">
<input type="hidden" name="next" value="${esc(opts.next)}">
<label for="token">Read token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>
<small>Ask whoever runs riskwatch for the token (config <code>api.read_token_env</code>).</small>
</main></body></html>
`;
}
