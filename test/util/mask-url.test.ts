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

test('maskUrl masks every form libpq accepts: keyword/value (plain, quoted with spaces and escaped quotes, spaced =), ?password=, &sslpassword=', () => {
  assert.equal(maskUrl('host=db.internal user=postgres password=PgS3cretKV dbname=test'), 'host=db.internal user=postgres password=*** dbname=test');
  assert.equal(maskUrl("host=db password='a b\\'c' dbname=test"), 'host=db password=*** dbname=test');
  assert.equal(maskUrl("host=db password = 'x y' sslpassword=k3y dbname=test"), 'host=db password = *** sslpassword=*** dbname=test');
  assert.equal(maskUrl('postgres://u@h/db?password=hunter2&sslpassword=k3y&sslmode=require'), 'postgres://u@h/db?password=***&sslpassword=***&sslmode=require');
  // An unterminated quote: the rest is the value, all of it hidden.
  assert.equal(maskUrl("host=db password='never closed dbname=test"), 'host=db password=***');
  assert.equal(maskUrl('postgresql://u:pw@h:5432/db'), 'postgresql://u:***@h:5432/db');
});

test('redact removes keyword/value secrets from a driver message, raw and encoded', () => {
  const conn = "host=h user=u password='a b\\'c' sslpassword=S5l dbname=d";
  assert.deepEqual(urlPassword(conn), "a b'c");
  const msg = redact(`failed for ${conn}: password a b'c (a%20b'c, a+b%27c) and S5l`, conn);
  assert.ok(!msg.includes("a b'c") && !msg.includes('a%20b') && !msg.includes('a+b%27c') && !msg.includes('S5l'), msg);
  assert.match(msg, /host=h user=u password=\*\*\* sslpassword=\*\*\* dbname=d/);
});
