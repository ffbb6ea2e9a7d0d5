import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Cron } from 'croner';
import { tempDir } from '../helpers/temp.ts';

const deployDir = new URL('../../deploy/', import.meta.url).pathname;
const read = (name: string) => readFileSync(join(deployDir, name), 'utf8');
const TEN_MIN = 10 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// crontab

/** Vixie-cron field syntax only (croner also accepts L, #, ? — cron does not). */
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 7 },
] as const;

function checkField(value: string, f: (typeof FIELDS)[number]): void {
  for (const part of value.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    assert.ok(m, `${f.name} field "${value}": "${part}" is not *, N, N-M, or one of those /STEP`);
    const nums = [m[2], m[3]].filter((x): x is string => x !== undefined).map(Number);
    for (const n of nums) assert.ok(n >= f.min && n <= f.max, `${f.name} field "${value}": ${n} outside ${f.min}-${f.max}`);
    if (nums.length === 2) assert.ok(nums[0] <= nums[1], `${f.name} field "${value}": range ${nums[0]}-${nums[1]} runs backwards`);
    if (m[4] !== undefined) assert.ok(Number(m[4]) >= 1, `${f.name} field "${value}": step must be ≥ 1`);
  }
}

function crontabJob(): { schedule: string; fields: string[]; command: string } {
  const lines = read('cronjob.txt').split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  // Environment lines (NAME=value) are allowed in a crontab; everything else is a job.
  const jobs = lines.filter((l) => !/^\s*[A-Za-z_][A-Za-z0-9_]*\s*=/.test(l));
  assert.equal(jobs.length, 1, `exactly one job line, got ${JSON.stringify(jobs)}`);
  const parts = jobs[0].trim().split(/\s+/);
  const fields = parts.slice(0, 5);
  const command = jobs[0].trim().replace(/^(\S+\s+){5}/, '');
  return { schedule: fields.join(' '), fields, command };
}

describe('deploy/cronjob.txt', () => {
  it('has one job with 5 valid schedule fields', () => {
    const { fields } = crontabJob();
    assert.equal(fields.length, 5);
    fields.forEach((v, i) => checkField(v, FIELDS[i]));
  });

  it('fires every 10 minutes, on the tens (croner reads the same schedule)', () => {
    const { schedule } = crontabJob();
    const job = new Cron(schedule, { paused: true, timezone: 'UTC' });
    const runs = job.nextRuns(7, new Date('2025-03-30T00:55:00Z'));
    job.stop();
    assert.equal(runs.length, 7);
    for (const r of runs) assert.equal(r.getUTCMinutes() % 10, 0);
    for (let i = 1; i < runs.length; i++) assert.equal(runs[i].getTime() - runs[i - 1].getTime(), TEN_MIN);
  });

  it('cds to an absolute workspace, sets PATH, runs `riskwatch --config ABS run`, appends all output to a log', () => {
    const { command } = crontabJob();
    assert.match(command, /^cd \/\S+ && /, 'starts with cd to an absolute folder, chained with &&');
    const path = /(?:^|\s)PATH=(\S+)\s/.exec(command);
    assert.ok(path, 'sets PATH for the command (cron’s default PATH is /usr/bin:/bin)');
    for (const dir of path[1].split(':')) assert.match(dir, /^\//, `PATH entry ${dir} is absolute`);
    assert.ok(path[1].split(':').includes('/usr/local/bin'), 'PATH includes /usr/local/bin (npm -g bins, node tarballs)');
    assert.match(command, /\briskwatch --config \/\S+\.json run\b/);
    assert.match(command, />> \/\S+ 2>&1$/, 'appends stdout and stderr to an absolute log file');
    assert.doesNotMatch(command, /(^|[^\\])%/, 'no unescaped % (cron turns it into a newline)');
  });
});

// ---------------------------------------------------------------------------------------------
// systemd units

type Ini = Map<string, Array<[string, string]>>;

/** systemd's unit-file syntax: [Section], Key=Value, # or ; comments, no continuation lines here. */
function parseUnit(text: string, name: string): Ini {
  const ini: Ini = new Map();
  let section: string | null = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    assert.ok(!line.endsWith('\\'), `${name}:${i + 1}: no continuation lines expected`);
    const sec = /^\[([A-Za-z]+)\]$/.exec(line);
    if (sec) {
      assert.ok(!ini.has(sec[1]), `${name}:${i + 1}: section [${sec[1]}] repeated`);
      section = sec[1];
      ini.set(section, []);
      return;
    }
    const kv = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    assert.ok(kv, `${name}:${i + 1}: expected Key=Value, got ${JSON.stringify(line)}`);
    assert.ok(section, `${name}:${i + 1}: key outside any section`);
    ini.get(section)!.push([kv[1], kv[2].trim()]);
  });
  return ini;
}

function get(ini: Ini, section: string, key: string): string | undefined {
  return ini.get(section)?.find(([k]) => k === key)?.[1];
}

function keys(ini: Ini, section: string): string[] {
  return (ini.get(section) ?? []).map(([k]) => k);
}

const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).status === 0;

describe('deploy/riskwatch-run.service', () => {
  const unit = parseUnit(read('riskwatch-run.service'), 'riskwatch-run.service');

  it('is a oneshot with an absolute ExecStart running `riskwatch --config ABS run`', () => {
    assert.deepEqual([...unit.keys()], ['Unit', 'Service'], 'a timer-started service has no [Install]');
    assert.ok(get(unit, 'Unit', 'Description'));
    assert.equal(get(unit, 'Service', 'Type'), 'oneshot');
    const exec = get(unit, 'Service', 'ExecStart')!;
    assert.match(exec, /^\/\S+\/riskwatch --config \/\S+\.json run$/);
    assert.match(get(unit, 'Service', 'WorkingDirectory') ?? '', /^\//);
    assert.equal(get(unit, 'Service', 'SuccessExitStatus'), '3', 'a locked run (exit 3) is not a failure');
    assert.ok(get(unit, 'Service', 'TimeoutStartSec'), 'a hung run is bounded (oneshot has no start timeout by default)');
    for (const section of unit.keys()) {
      const ks = keys(unit, section);
      assert.equal(new Set(ks).size, ks.length, `[${section}] has no repeated keys`);
    }
  });
});

describe('deploy/riskwatch-run.timer', () => {
  const timer = parseUnit(read('riskwatch-run.timer'), 'riskwatch-run.timer');

  it('runs the service every 10 minutes, persistently, and installs into timers.target', () => {
    assert.ok(get(timer, 'Unit', 'Description'));
    assert.equal(get(timer, 'Timer', 'OnCalendar'), '*:0/10');
    assert.equal(get(timer, 'Timer', 'Persistent'), 'true');
    assert.equal(get(timer, 'Timer', 'Unit'), 'riskwatch-run.service');
    assert.equal(get(timer, 'Install', 'WantedBy'), 'timers.target');
  });

  it('systemd-analyze verify accepts both units with no warnings', { skip: hasSystemdAnalyze ? false : 'systemd-analyze not installed' }, () => {
    // verify checks that ExecStart's program exists; riskwatch is not installed here, so a copy
    // points it at node (any existing absolute executable) — everything else is verified as is.
    const dir = tempDir('riskwatch-units-');
    try {
      const service = read('riskwatch-run.service').replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`);
      assert.notEqual(service, read('riskwatch-run.service'));
      writeFileSync(join(dir, 'riskwatch-run.service'), service);
      writeFileSync(join(dir, 'riskwatch-run.timer'), read('riskwatch-run.timer'));
      const res = spawnSync('systemd-analyze', ['verify', '--man=no', join(dir, 'riskwatch-run.service'), join(dir, 'riskwatch-run.timer')], { encoding: 'utf8' });
      assert.equal(res.stderr.trim(), '', 'no warnings (unknown keys, bad values are "ignoring" warnings)');
      assert.equal(res.status, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('systemd-analyze verify does reject a broken timer (the check above can fail)', { skip: hasSystemdAnalyze ? false : 'systemd-analyze not installed' }, () => {
    const dir = tempDir('riskwatch-units-');
    try {
      writeFileSync(join(dir, 'riskwatch-run.service'), read('riskwatch-run.service').replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
      writeFileSync(join(dir, 'riskwatch-run.timer'), read('riskwatch-run.timer').replace('OnCalendar=*:0/10', 'OnCalendar=every ten minutes'));
      const res = spawnSync('systemd-analyze', ['verify', '--man=no', join(dir, 'riskwatch-run.timer')], { encoding: 'utf8' });
      assert.notEqual(res.status === 0 && res.stderr.trim() === '', true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('OnCalendar elapses every 10 minutes on the tens, like the crontab line', { skip: hasSystemdAnalyze ? false : 'systemd-analyze not installed' }, () => {
    const spec = get(timer, 'Timer', 'OnCalendar')!;
    const res = spawnSync('systemd-analyze', ['calendar', '--iterations=4', spec], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /Normalized form: \*-\*-\* \*:00\/10:00/);
    const times = [...res.stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/g)].map((m) => Date.parse(`${m[1].replace(' ', 'T')}Z`));
    assert.equal(times.length, 4, res.stdout);
    for (const t of times) assert.equal(new Date(t).getUTCMinutes() % 10, 0);
    for (let i = 1; i < times.length; i++) assert.equal(times[i] - times[i - 1], TEN_MIN);
    // The crontab schedule, read by croner from just before systemd's first elapse, gives the
    // same instants.
    const job = new Cron(crontabJob().schedule, { paused: true, timezone: 'UTC' });
    const runs = job.nextRuns(4, new Date(times[0] - 1000)).map((d) => d.getTime());
    job.stop();
    assert.deepEqual(runs, times);
  });
});

describe('deploy/README.md', () => {
  it('names every template it installs', () => {
    const readme = read('README.md');
    for (const f of ['cronjob.txt', 'riskwatch-run.service', 'riskwatch-run.timer']) assert.ok(readme.includes(f), f);
    assert.match(readme, /systemctl enable --now riskwatch-run\.timer/);
  });
});
