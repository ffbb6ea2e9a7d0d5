import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dependencyHealth, describeNpmFailure } from '../../src/report/dependencies.ts';

/**
 * Issue 13 item 19: the dashboard's dependency table showed npm's raw error ("npm audit: 405 Method
 * Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk"). A manager
 * reads what could not be checked, in plain words, without host names.
 */
test('a failed check says what could not be checked and why, in plain words', () => {
  assert.equal(describeNpmFailure('audit', { raw: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk' }), 'Security advisories could not be checked: the package registry refused the request (HTTP 405).');
  assert.equal(describeNpmFailure('outdated', { raw: 'ENOTFOUND request to https://registry.example/x failed, reason: getaddrinfo ENOTFOUND registry.example' }), 'Newer versions could not be checked: the package registry could not be reached.');
  assert.equal(describeNpmFailure('outdated', { timedOutMs: 15_000 }), 'Newer versions could not be checked: the package registry did not answer within 15 s.');
  assert.equal(describeNpmFailure('audit', { noNpm: true }), 'Security advisories could not be checked: npm is not installed on the server.');
  assert.equal(describeNpmFailure('audit', { raw: '' }), 'Security advisories could not be checked: npm gave no usable answer.');
});

test('the real checks on this machine: every problem is such a line, no URL or host name', async () => {
  const health = await dependencyHealth({ timeoutMs: 30_000 });
  for (const p of health.problems) {
    assert.match(p, /^(Newer versions|Security advisories) could not be checked: [^\n]+\.$/);
    assert.doesNotMatch(p, /https?:|registry\.npmjs|\/-\//);
  }
});
