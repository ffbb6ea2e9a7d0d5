import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { startSchedule, validateSchedule } from '../../src/pipeline/schedule.ts';

interface Line {
  level: number;
  msg: string;
  [k: string]: unknown;
}

/** A real pino logger whose JSON lines land in an array. */
function captureLogger() {
  const lines: Line[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Line) });
  return { log, lines };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('validateSchedule', () => {
  it('accepts 5- and 6-field expressions and nicknames, normalising spaces', () => {
    assert.equal(validateSchedule('*/10 * * * *'), '*/10 * * * *');
    assert.equal(validateSchedule('  */10   * * * * '), '*/10 * * * *');
    assert.equal(validateSchedule('*/5 * * * * *'), '*/5 * * * * *');
    assert.equal(validateSchedule('@hourly'), '@hourly');
    assert.equal(validateSchedule('0 6 * * mon-fri', 'Europe/Paris'), '0 6 * * mon-fri');
  });

  for (const [expr, hint] of [
    ['61 * * * *', /invalid value for minute: 61/],
    ['* * *', /five or six/],
    ['x * * * *', /illegal characters/],
    ['*/0 * * * *', /stepping: 0/],
    ['0 0 30 2 *', /never matches/],
    ['', /five or six/],
    ['0 0 * * * * *', /five or six/],
    ['@reboot', /five or six/],
  ] as const) {
    it(`rejects ${JSON.stringify(expr)} with one line naming it and what is expected`, () => {
      assert.throws(
        () => validateSchedule(expr),
        (err: Error) => {
          assert.ok(err.message.startsWith(`schedule ${JSON.stringify(expr)}: `), err.message);
          assert.match(err.message, hint);
          assert.match(err.message, /expected 5 fields/);
          assert.doesNotMatch(err.message, /\n/);
          return true;
        },
      );
    });
  }

  it('rejects an unknown time zone', () => {
    assert.throws(() => validateSchedule('* * * * *', 'Nowhere/Foo'), /schedule time zone "Nowhere\/Foo": not a known IANA time zone/);
  });

  it('startSchedule throws on an invalid expression before scheduling anything', () => {
    let called = false;
    assert.throws(() => startSchedule('61 * * * *', async () => void (called = true)), /^Error: schedule "61 \* \* \* \*": invalid value for minute: 61/);
    assert.equal(called, false);
  });
});

describe('startSchedule', { concurrency: true }, () => {
  it('never overlaps: fires during a long tick are skipped and logged; stop() waits for the running tick', async (t) => {
    const { log, lines } = captureLogger();
    let concurrent = 0;
    let maxConcurrent = 0;
    const started: number[] = [];
    const ended: number[] = [];
    // Every second; each tick takes 1.5 s, so the fire in the middle of each tick must be skipped.
    const s = startSchedule(
      '* * * * * *',
      async () => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        started.push(Date.now());
        await sleep(1500);
        ended.push(Date.now());
        concurrent--;
        return { status: 'noop', reason: 'no new data' };
      },
      { log },
    );
    t.after(() => s.stop({ abort: true })); // a failed assertion must not leave the schedule firing
    const next = s.nextRun();
    assert.ok(next instanceof Date && next.getTime() - Date.now() <= 1000, `next run within a second, got ${next?.toISOString()}`);
    const skips = () => lines.filter((l) => /scheduled tick skipped/.test(l.msg)).length;
    await waitFor(() => started.length >= 2 && skips() >= 2, 6000, 'two ticks and two skips');
    assert.equal(s.running(), true, 'the second tick is still running (it lasts 1.5 s, the skip came 1 s in)');
    const t0 = Date.now();
    await s.stop();
    const stoppedAt = Date.now();
    assert.equal(ended.length, started.length, 'stop() resolved only after the running tick ended');
    assert.ok(stoppedAt >= ended[ended.length - 1]);
    assert.ok(stoppedAt - t0 >= 100, `stop() waited (${stoppedAt - t0} ms)`);
    assert.equal(s.running(), false);
    assert.equal(s.nextRun(), null);
    assert.equal(maxConcurrent, 1, 'ticks never overlapped');
    // Ticks are ≥ 1.5 s apart: each started after the previous ended.
    for (let i = 1; i < started.length; i++) assert.ok(started[i] >= ended[i - 1], `tick ${i + 1} started after tick ${i} ended`);

    const skip = lines.find((l) => /scheduled tick skipped/.test(l.msg))!;
    assert.equal(skip.level, 40, 'skips are warnings');
    assert.equal(skip.schedule, '* * * * * *');
    assert.equal(typeof skip.runningSince, 'string');
    const startsLogged = lines.filter((l) => /scheduled tick \d+ started/.test(l.msg)).length;
    const endsLogged = lines.filter((l) => l.outcome === 'ok');
    assert.equal(startsLogged, started.length);
    assert.equal(endsLogged.length, started.length);
    assert.equal(endsLogged[0].status, 'noop', 'a RunResult-like status is logged with the outcome');
    assert.ok((endsLogged[0].seconds as number) >= 1.4);

    // Nothing fires after stop().
    const count = started.length;
    await sleep(1100);
    assert.equal(started.length, count);
  });

  it('a failing tick is logged and passed to onError; the schedule keeps going', async (t) => {
    const { log, lines } = captureLogger();
    const errors: unknown[] = [];
    let n = 0;
    const s = startSchedule(
      '* * * * * *',
      async () => {
        n++;
        if (n === 1) throw new Error('boom');
        return 'fine';
      },
      { log, onError: (e) => errors.push(e) },
    );
    t.after(() => s.stop());
    await waitFor(() => n >= 2, 4000, 'a second tick after the failure');
    await s.stop();
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as Error).message, 'boom');
    const failed = lines.find((l) => l.outcome === 'failed')!;
    assert.equal(failed.level, 50);
    assert.equal(failed.error, 'boom');
    assert.ok(lines.some((l) => l.outcome === 'ok'), 'the next tick ran and succeeded');
  });

  it('stop({ abort: true }) aborts the running tick\'s signal and still waits for it', async (t) => {
    let sawAbort = false;
    let finished = false;
    const s = startSchedule('* * * * * *', async (signal) => {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 5000);
        signal.addEventListener('abort', () => {
          sawAbort = true;
          clearTimeout(t);
          // a graceful stop takes a moment, like runPipeline finishing its current step
          setTimeout(resolve, 200);
        });
      });
      finished = true;
    });
    t.after(() => s.stop({ abort: true }));
    await waitFor(() => s.running(), 2500, 'a tick to start');
    const t0 = Date.now();
    await s.stop({ abort: true });
    assert.equal(sawAbort, true);
    assert.equal(finished, true);
    assert.ok(Date.now() - t0 >= 150 && Date.now() - t0 < 2000, `stop waited for the graceful end (${Date.now() - t0} ms)`);
  });

  it('stop() before the first tick resolves at once; stop() is idempotent', async () => {
    let called = false;
    const s = startSchedule('0 0 1 1 *', async () => void (called = true));
    assert.ok(s.nextRun() instanceof Date);
    assert.equal(s.running(), false);
    await s.stop();
    await s.stop();
    assert.equal(s.nextRun(), null);
    assert.equal(called, false);
  });
});
