import type { DependencyHealth } from '../contracts/api.js';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type { DependencyHealth };

/** The installed package's folder (where package.json and node_modules are). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'riskwatch') return dir;
    } catch {
      // keep walking up
    }
    dir = dirname(dir);
  }
  return process.cwd();
}

interface NpmAnswer {
  json: unknown;
  error?: string;
}

/** What each npm command checks, in the words the dashboard and the PDF show. */
const CHECKS: Record<string, string> = { outdated: 'Newer versions', audit: 'Security advisories' };

/**
 * One plain line for a failed check: what could not be checked and why, without npm's raw message
 * (it names the registry's host and endpoint, e.g. "405 Method Not Allowed - POST https://…").
 */
export function describeNpmFailure(command: string, failure: { timedOutMs?: number; noNpm?: boolean; raw?: string }): string {
  const what = `${CHECKS[command] ?? `npm ${command}`} could not be checked`;
  if (failure.noNpm) return `${what}: npm is not installed on the server.`;
  if (failure.timedOutMs !== undefined) return `${what}: the package registry did not answer within ${Math.round(failure.timedOutMs / 1000)} s.`;
  const raw = failure.raw ?? '';
  const http = /\b([45]\d\d)\b/.exec(raw);
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network/i.test(raw)) return `${what}: the package registry could not be reached.`;
  if (http) return `${what}: the package registry refused the request (HTTP ${http[1]}).`;
  return `${what}: npm gave no usable answer.`;
}

/**
 * Run an npm command that answers in JSON. Its exit code is not the verdict — `npm outdated`
 * exits 1 whenever something is outdated, `npm audit` exits 1 when advisories exist or the
 * endpoint refuses — the JSON is: an `error` object in it, or no JSON at all, is the failure.
 */
function npmJson(args: string[], cwd: string, timeoutMs: number): Promise<NpmAnswer> {
  return new Promise((resolve) => {
    execFile('npm', [...args, '--json'], { cwd, timeout: timeoutMs, maxBuffer: 16 << 20, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_fetch_retries: '0', npm_config_fetch_timeout: String(timeoutMs) } }, (err, stdout) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout || 'null');
      } catch {
        json = null;
      }
      const e = err as (NodeJS.ErrnoException & { killed?: boolean }) | null;
      const fail = (f: Parameters<typeof describeNpmFailure>[1]) => resolve({ json: null, error: describeNpmFailure(args[0], f) });
      if (e?.killed) return fail({ timedOutMs: timeoutMs });
      if (e?.code === 'ENOENT') return fail({ noNpm: true });
      const obj = json as { error?: { summary?: string; code?: string; detail?: string }; message?: string } | null;
      if (obj && typeof obj === 'object' && obj.error) {
        // npm audit against a registry that refuses the advisories endpoint answers
        // {message: "405 Method Not Allowed - POST …", error: {summary: ""}}.
        return fail({ raw: [obj.error.code, obj.error.summary, obj.message, obj.error.detail].filter(Boolean).join(' ') });
      }
      if (json === null) return fail({ raw: '' });
      resolve({ json });
    });
  });
}

/** `npm outdated` and `npm audit` for the runtime dependencies, with a hard timeout each. */
export async function dependencyHealth(opts: { root?: string; timeoutMs?: number } = {}): Promise<DependencyHealth> {
  const root = opts.root ?? packageRoot();
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const names = Object.keys(pkg.dependencies ?? {}).sort();
  const [outdated, audit] = await Promise.all([npmJson(['outdated'], root, timeoutMs), npmJson(['audit', '--omit=dev'], root, timeoutMs)]);
  const problems = [outdated.error, audit.error].filter((p): p is string => Boolean(p));
  const od = (outdated.json ?? {}) as Record<string, { current?: string; wanted?: string; latest?: string }>;
  const vulns = ((audit.json as { vulnerabilities?: Record<string, { via?: unknown[] }> } | null)?.vulnerabilities ?? {}) as Record<string, { via?: unknown[] }>;
  const packages = names.map((name) => {
    let current: string | null = null;
    try {
      current = (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      current = null;
    }
    const o = od[name];
    return {
      name,
      current,
      // Not listed by `npm outdated` (when it answered) means up to date.
      wanted: o?.wanted ?? (outdated.error ? null : current),
      latest: o?.latest ?? (outdated.error ? null : current),
      advisories: audit.error ? null : (vulns[name]?.via?.length ?? 0),
    };
  });
  return { status: problems.length === 0 ? 'ok' : problems.length === 2 ? 'unavailable' : 'partial', packages, problems };
}
