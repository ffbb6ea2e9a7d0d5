import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskUrl, redact, urlPassword } from '../../src/util/mask-url.ts';

test('maskUrl hides a postgres password, keeps user, host, port and database', () => {
  assert.equal(maskUrl('postgres://riskwatch:s3cr%40t!@db.internal:6543/prod'), 'postgres://riskwatch:***@db.internal:6543/prod');
  assert.equal(maskUrl('postgresql://riskwatch@db.internal/prod'), 'postgresql://riskwatch@db.internal/prod');
  assert.equal(maskUrl('postgres://u@h/db?sslmode=require&password=hunter2'), 'postgres://u@h/db?sslmode=require&password=***');
});

test('maskUrl masks userinfo in text that is not a URL', () => {
  const shown = maskUrl('not a url u:hunter2@host');
  assert.ok(!shown.includes('hunter2'), shown);
});

test('urlPassword decodes; redact removes the URL and the password in raw and encoded form', () => {
  const url = 'postgres://app:p%40ss%2Fw0rd@127.0.0.1:1/test';
  assert.equal(urlPassword(url), 'p@ss/w0rd');
  assert.equal(urlPassword('postgres://app@h/db'), '');
  const msg = redact(`connect ${url} failed; password p@ss/w0rd rejected (p%40ss%2Fw0rd)`, url);
  assert.ok(!msg.includes('p@ss/w0rd') && !msg.includes('p%40ss%2Fw0rd'), msg);
  assert.match(msg, /postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/test/);
});
