import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EMPTY, INVALID, REJECT_REASONS, classifyCount, classifyNumber, isBlank, parseCount, parseCountText, parseLabel, parseNumber } from '../../src/data/csv/cells.ts';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** parseCount over the whole of `s`, and over the same bytes embedded in a larger buffer. */
function count(s: string): number {
  const whole = Buffer.from(s, 'utf8');
  const v = parseCount(whole, 0, whole.length);
  const padded = Buffer.concat([Buffer.from('9,'), whole, Buffer.from(',7')]);
  assert.equal(parseCount(padded, 2, 2 + whole.length), v, `same answer inside a larger buffer for ${JSON.stringify(s)}`);
  return v;
}

function label(s: string): number {
  const b = Buffer.from(`1,${s},0`, 'utf8');
  return parseLabel(b, 2, b.length - 2);
}

/** What a count cell means, written independently: spaces/tabs around digits, exact below 2^53. */
function referenceCount(s: string): number {
  const t = s.replace(/^[ \t]+|[ \t]+$/g, '');
  if (t === '') return EMPTY;
  if (!/^[0-9]+$/.test(t)) return INVALID;
  return BigInt(t) <= BigInt(MAX_SAFE) ? Number(t) : INVALID;
}

describe('parseCount', () => {
  test('whole non-negative numbers, with spaces or tabs around them', () => {
    assert.equal(count('0'), 0);
    assert.equal(count('42'), 42);
    assert.equal(count(' 7 '), 7);
    assert.equal(count('\t8\t'), 8);
    assert.equal(count('  1203  '), 1203);
    assert.equal(count('007'), 7);
  });

  test('empty or blank cells are EMPTY (missing), not zero', () => {
    assert.equal(count(''), EMPTY);
    assert.equal(count('   '), EMPTY);
    assert.equal(count('\t \t'), EMPTY);
  });

  test('anything else is INVALID', () => {
    for (const s of ['abc', '1.5', '1.', '.5', '-3', '-0', '1e3', 'NaN', 'nan', 'Infinity', '-inf', 'inf', '1 2', '0x10', '12abc', '١٢', '１', '5\n', '5\u00a0', '"5"']) {
      assert.equal(count(s), INVALID, JSON.stringify(s));
    }
  });

  test('exact up to 2^53 - 1; larger numbers are INVALID rather than rounded', () => {
    assert.equal(count('9007199254740991'), MAX_SAFE);
    assert.equal(count(' 9007199254740991 '), MAX_SAFE);
    assert.equal(count('9007199254740992'), INVALID);
    assert.equal(count('12345678901234567890'), INVALID);
    assert.equal(count('9'.repeat(400)), INVALID);
  });

  test('leading zeros do not count towards the size limit', () => {
    assert.equal(count('00000000000000000042'), 42);
    assert.equal(count('0000000000000000000000'), 0);
    assert.equal(count('0009007199254740991'), MAX_SAFE);
    assert.equal(count('0009007199254740992'), INVALID);
  });

  test('property: every safe integer round-trips, padded or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_SAFE }), fc.constantFrom('', ' ', '\t', '  \t'), fc.constantFrom('', ' ', '\t '), (n, l, r) => {
        assert.equal(count(`${l}${n}${r}`), n);
      }),
      { numRuns: 500 },
    );
  });

  test('property: agrees with an independent reference on strings built from number-like characters', () => {
    const ch = fc.constantFrom('0', '0', '0', '0', '1', '5', '9', ' ', '\t', '.', '-', '+', 'e', 'x', '\n', '\u00a0');
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 22, size: 'max' }), (cs) => {
        const s = cs.join('');
        assert.equal(count(s), referenceCount(s), JSON.stringify(s));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('classifyCount: why a count cell was rejected', () => {
  const cases: Array<[string, string]> = [
    ['abc', 'not_a_number'],
    ['12abc', 'not_a_number'],
    ['1 2', 'not_a_number'],
    ['0x10', 'not_a_number'],
    ['1.5', 'decimal'],
    [' 2.0 ', 'decimal'],
    ['.5', 'decimal'],
    ['1e3', 'decimal'],
    ['-3', 'negative'],
    ['-1.5', 'negative'],
    ['NaN', 'not_finite'],
    ['nan', 'not_finite'],
    ['Infinity', 'not_finite'],
    ['-inf', 'not_finite'],
    ['+INF', 'not_finite'],
    ['-Infinity', 'not_finite'],
    ['9007199254740992', 'too_large'],
    ['12345678901234567890', 'too_large'],
    [' 99999999999999999999999 ', 'too_large'],
  ];
  for (const [text, reason] of cases) {
    test(`${JSON.stringify(text)} → ${reason}`, () => {
      assert.equal(count(text), INVALID, 'parseCount rejects it first');
      assert.equal(classifyCount(text), reason);
      assert.ok(reason in REJECT_REASONS);
    });
  }

  test('property: a cell parseCount rejects is only called "too_large" when it really is a whole number ≥ 2^53', () => {
    const ch = fc.constantFrom('0', '1', '9', ' ', '\t', '\n', '\r', '\u00a0', '.', '-', 'x');
    fc.assert(
      fc.property(fc.array(ch, { minLength: 1, maxLength: 22, size: 'max' }), (cs) => {
        const s = cs.join('');
        // As the row validator asks: parseCount, then parseCountText (a no-break space trimmed).
        if (count(s) !== INVALID || parseCountText(s) !== INVALID) return;
        const reason = classifyCount(s);
        assert.ok(reason in REJECT_REASONS, reason);
        if (reason === 'too_large') {
          const t = s.replace(/^[^\S\r\n]+|[^\S\r\n]+$/g, '');
          assert.ok(/^[0-9]+$/.test(t) && BigInt(t) > BigInt(MAX_SAFE), `${JSON.stringify(s)} called too_large`);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseLabel', () => {
  test('0 and 1, with spaces or tabs around them', () => {
    assert.equal(label('0'), 0);
    assert.equal(label('1'), 1);
    assert.equal(label(' 1 '), 1);
    assert.equal(label('\t0'), 0);
  });

  test('empty or blank is EMPTY', () => {
    assert.equal(label(''), EMPTY);
    assert.equal(label('  '), EMPTY);
  });

  test('anything other than 0 or 1 is INVALID', () => {
    for (const s of ['2', '-1', '10', '0 1', 'yes', 'true', 'a', '9', '/', ':', 'é']) assert.equal(label(s), INVALID, JSON.stringify(s));
  });
});

describe('parseNumber / classifyNumber (feature_types "number")', () => {
  test('finite decimals in the usual notations', () => {
    assert.equal(parseNumber('1.5'), 1.5);
    assert.equal(parseNumber('-3'), -3);
    assert.equal(parseNumber(' +2.25 '), 2.25);
    assert.equal(parseNumber('1e3'), 1000);
    assert.equal(parseNumber('2.5E-3'), 0.0025);
    assert.equal(parseNumber('.5'), 0.5);
    assert.equal(parseNumber('5.'), 5);
    assert.equal(parseNumber('0'), 0);
  });

  test('non-numbers and non-finite values are NaN, each with its reason', () => {
    const cases: Array<[string, string]> = [
      ['NaN', 'not_finite'],
      ['Infinity', 'not_finite'],
      ['-inf', 'not_finite'],
      ['1e400', 'too_large'],
      ['-1e400', 'too_large'],
      ['abc', 'not_a_number'],
      ['0x10', 'not_a_number'],
      ['1,5', 'not_a_number'],
      ['1.2.3', 'not_a_number'],
      ['e5', 'not_a_number'],
    ];
    for (const [text, reason] of cases) {
      assert.ok(Number.isNaN(parseNumber(text)), text);
      assert.equal(classifyNumber(text), reason, text);
    }
  });

  test('property: every finite double round-trips through its JavaScript string form', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        assert.equal(parseNumber(String(v)), v === 0 ? 0 : v);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseCountText and isBlank (the validator\'s second look at a refused count cell)', () => {
  test('any white space around the digits, or only white space', () => {
    assert.equal(parseCountText('\u00a05\u00a0'), 5);
    assert.equal(parseCountText('\u00a0'), EMPTY);
    assert.equal(parseCountText(' \u2007 '), EMPTY);
    assert.equal(parseCountText('5\u00a0x'), INVALID);
    assert.equal(parseCountText('1.5'), INVALID);
    assert.equal(parseCountText('9007199254740992'), INVALID);
    for (const s of ['', ' ', '\t', '\u00a0', '\u3000 ']) assert.equal(isBlank(s), true, JSON.stringify(s));
    for (const s of ['0', ' x ', '\u00a0-']) assert.equal(isBlank(s), false, JSON.stringify(s));
  });
});
