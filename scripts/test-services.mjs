#!/usr/bin/env node
// The services the test suite needs besides node_modules, provisioned before the tests run (by
// scripts/run-tests.mjs, so `npm test` on a fresh machine does it; `.ci/run` relies on that):
//   - Debian's Chromium at /usr/bin/chromium (the dashboard's browser test, playwright-core);
//   - a PostgreSQL server at 127.0.0.1:5432 (store, source and SQL-export tests).
// What can be done here is done (apt-get install chromium as root; start the installed cluster
// when nothing answers); what cannot is one line naming what to install. Tests are never skipped.
// `plan` is pure (test/scripts/test-services.test.ts covers each branch); the rest gathers facts
// and runs the steps.
import { accessSync, constants } from 'node:fs';
import { connect } from 'node:net';
import { spawnSync } from 'node:child_process';

export const CHROMIUM = '/usr/bin/chromium';
export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * What to do about the services, from what was found.
 * @param {import('./test-services.d.mts').Facts} f
 * @returns {import('./test-services.d.mts').Plan}
 */
export function plan(f) {
  const steps = [];
  const missing = [];
  if (f.need.chromium && !f.chromium) {
    if (f.root && f.apt) {
      steps.push({ what: "installing Debian's chromium (the dashboard test's browser)", commands: [['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', 'chromium']] });
    } else {
      const why = !f.root ? 'not root' : 'no apt-get';
      missing.push(`Chromium at ${CHROMIUM} (install Debian's chromium: apt-get install chromium; ${why} here, so the tests cannot)`);
    }
  }
  if (f.need.postgres && !f.postgres) {
    const { host, port } = f.pg;
    const cluster = f.clusters.find((c) => c.port === port);
    if (!LOCAL_HOSTS.has(host)) {
      missing.push(`a PostgreSQL server answering at ${host}:${port} (RISKWATCH_TEST_PG_URL)`);
    } else if (cluster && f.root) {
      steps.push({ what: `starting PostgreSQL ${cluster.version}/${cluster.name} (nothing answered on ${port})`, commands: [['pg_ctlcluster', '--skip-systemctl-redirect', cluster.version, cluster.name, 'start']] });
    } else if (cluster) {
      missing.push(`a running PostgreSQL on port ${port} (cluster ${cluster.version}/${cluster.name} is installed but down: start it as root with pg_ctlcluster ${cluster.version} ${cluster.name} start)`);
    } else {
      missing.push(`PostgreSQL on ${host}:${port} (install Debian's postgresql with database test, user postgres and trust auth for 127.0.0.1, or set RISKWATCH_TEST_PG_URL)`);
    }
  }
  return { steps, missing };
}

/** The one line printed when something is missing. */
export function missingLine(missing) {
  return `the tests need ${missing.join(' and ')}`;
}

/** Host and port of a postgres:// URL (only the URL form: the tests' own URL is one). */
export function pgTarget(url) {
  try {
    const u = new URL(url);
    return { host: u.hostname || '127.0.0.1', port: Number(u.port || 5432) };
  } catch {
    return { host: '127.0.0.1', port: 5432 };
  }
}

/** `pg_lsclusters --no-header` lines: "15 main 5432 down postgres /var/lib/... /var/log/...". */
export function parseClusters(text) {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((p) => p.length >= 4 && /^\d+$/.test(p[2]))
    .map(([version, name, port, status]) => ({ version, name, port: Number(port), status }));
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** True when something accepts a TCP connection at host:port within `ms`. */
export function answers({ host, port }, ms = 1000) {
  return new Promise((resolve) => {
    const s = connect({ host: host.replace(/^\[|\]$/g, ''), port });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(ms, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** @returns {Promise<import('./test-services.d.mts').Facts>} */
export async function facts(need, env = process.env) {
  const pg = pgTarget(env.RISKWATCH_TEST_PG_URL ?? DEFAULT_PG_URL);
  const postgres = need.postgres ? await answers(pg) : true;
  const ls = !postgres && onPath('pg_lsclusters') ? spawnSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' }).stdout ?? '' : '';
  return {
    need,
    chromium: executable(CHROMIUM),
    postgres,
    pg,
    clusters: parseClusters(ls),
    root: process.getuid?.() === 0,
    apt: onPath('apt-get'),
  };
}

/**
 * Provision what `need` asks for. Resolves when the services are there; otherwise rejects with an
 * Error whose message is one line naming what to install.
 */
export async function provision(need, log = (line) => process.stderr.write(`${line}\n`)) {
  const f = await facts(need);
  const { steps, missing } = plan(f);
  if (missing.length) throw new Error(missingLine(missing));
  for (const step of steps) {
    log(step.what);
    for (const argv of step.commands) {
      const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      if (r.status !== 0) throw new Error(`${step.what} failed: ${argv.join(' ')} exited ${r.status ?? r.signal ?? r.error?.message}`);
    }
  }
  if (need.chromium && !executable(CHROMIUM)) throw new Error(missingLine([`Chromium at ${CHROMIUM} (apt-get install chromium did not provide it)`]));
  if (need.postgres && !f.postgres) {
    // A started cluster takes a moment to listen.
    for (let i = 0; i < 30 && !(await answers(f.pg)); i++) await new Promise((r) => setTimeout(r, 1000));
    if (!(await answers(f.pg))) throw new Error(missingLine([`PostgreSQL on ${f.pg.host}:${f.pg.port} (the cluster was started but does not answer after 30 s)`]));
  }
}

// `node scripts/test-services.mjs`: provision both (for a machine prepared ahead of a run).
if (import.meta.url === `file://${process.argv[1]}`) {
  provision({ chromium: true, postgres: true }).catch((err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
}
