import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { RequestsUnderWay } from '../../src/server/requests-under-way.ts';

// The start-up warm-up's summaries wait until no request of the dashboard routes is under way
// (dashboard-data.ts): a response counts until it closes — sent or its connection gone.

const response = () => new EventEmitter() as unknown as ServerResponse;
const settled = async (p: Promise<void>) => Promise.race([p.then(() => true), new Promise<boolean>((r) => setImmediate(() => r(false)))]);

test('none() resolves at once without requests, and when the last one under way closes', async () => {
  const u = new RequestsUnderWay();
  assert.equal(await settled(u.none()), true);
  const a = response();
  const b = response();
  u.begin(a);
  u.begin(b);
  const waiting = u.none();
  assert.equal(await settled(waiting), false);
  a.emit('close');
  assert.equal(await settled(waiting), false, 'one is still under way');
  b.emit('close');
  assert.equal(await settled(waiting), true);
  assert.equal(await settled(u.none()), true);
});

test('none() gives up waiting after maxMs (a response that never closes does not stop the warm-up)', async () => {
  const u = new RequestsUnderWay();
  u.begin(response());
  const alive = setTimeout(() => {}, 1_000); // the wait's own timer does not keep a process alive
  const t0 = Date.now();
  await u.none(20);
  clearTimeout(alive);
  assert.ok(Date.now() - t0 >= 15);
});
