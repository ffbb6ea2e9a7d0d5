import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConninfo, toPostgresUri } from '../../src/util/conninfo.ts';

test('parseConninfo reads libpq keyword/value strings: spaces around =, quotes, backslash escapes', () => {
  const pairs = parseConninfo("host=db  port = 5433 password='a b\\'c' user=x\\ y dbname=test");
  assert.deepEqual(pairs?.map((p) => [p.key, p.value]), [['host', 'db'], ['port', '5433'], ['password', "a b'c"], ['user', 'x y'], ['dbname', 'test']]);
  assert.equal(parseConninfo('not a connection string'), null);
  assert.equal(parseConninfo("password='open"), null);
  assert.equal(parseConninfo(''), null);
});

test('toPostgresUri gives the driver the same settings as a URI; a URI is unchanged', () => {
  assert.equal(toPostgresUri('postgres://u:p@h/db'), 'postgres://u:p@h/db');
  const uri = new URL(toPostgresUri("host=127.0.0.1 port=5432 user=postgres password='a b&c' dbname=my\\ db sslmode=disable"));
  assert.equal(decodeURIComponent(uri.pathname), '/my db');
  assert.deepEqual(Object.fromEntries(uri.searchParams), { host: '127.0.0.1', port: '5432', user: 'postgres', password: 'a b&c', sslmode: 'disable' });
});
