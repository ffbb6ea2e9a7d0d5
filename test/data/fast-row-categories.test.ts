import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TableSchema } from '../../src/data/columns.ts';
import { rng } from '../helpers/random.ts';
import { assertFastPathAgrees } from '../helpers/sink-read.ts';

// The CSV fast path reads category cells too (texts already in the dictionary, found by their
// bytes). It must never change an outcome: same rows (as texts), same dictionary in the same
// order, same hashes, counts and rejects as the general path, for any chunking of the bytes.

const FEATURES = ['a', 'k', 'm'];
const SCHEMA: TableSchema = { id: 'id', features: FEATURES, featureTypes: { a: 'count', k: 'category', m: 'category' }, target: 'y', requireTarget: true, requireId: true };
const COMMON = ['Gold', 'Silver', 'Zürich', 'Île-de-France', 'São Paulo', '007', 'a b'];

function categoryCell(r: () => number, i: number): string {
  const k = r();
  if (k < 0.6) return COMMON[Math.floor(r() * COMMON.length)];
  if (k < 0.66) return '';
  if (k < 0.69) return ' Gold ';
  if (k < 0.71) return 'Gold\u00a0';
  if (k < 0.72) return '\u3000Silver';
  if (k < 0.73) return 'x\u2028';
  if (k < 0.74) return '\ufeffGold';
  if (k < 0.76) return '"Gold, Plus"';
  if (k < 0.77) return '"Gold"';
  if (k < 0.78) return '   ';
  if (k < 0.79) return `new ${i}`; // a text never seen before
  if (k < 0.8) return 'Gold\r'; // a lone CR
  if (k < 0.81) return '\t007';
  return COMMON[Math.floor(r() * 2)];
}

function makeFile(seed: number): string {
  const r = rng(seed);
  const columns = ['id', ...FEATURES, 'y'];
  if (r() < 0.5) columns.sort(() => r() - 0.5);
  const lines = [columns.join(',')];
  const n = 50 + Math.floor(r() * 300);
  for (let i = 0; i < n; i++) {
    const cells = columns.map((c) => (c === 'id' ? `c${Math.floor(r() * 200)}` : c === 'y' ? (r() < 0.95 ? String(Math.floor(r() * 2)) : '2') : c === 'a' ? (r() < 0.9 ? String(Math.floor(r() * 9)) : 'x') : categoryCell(r, i)));
    if (r() < 0.03) cells.pop();
    lines.push(cells.join(',') + (r() < 0.2 ? '\r' : ''));
  }
  return lines.join('\n') + '\n';
}

test('category cells on the fast path: same rows, dictionary, hashes, counts and rejects as the general path, whole and cut anywhere', () => {
  const fastTaken = assertFastPathAgrees(makeFile, SCHEMA, 200, 104729);
  assert.ok(fastTaken > 5_000, `rows the fast path took: ${fastTaken}`);
});

// ByteLookup.match compares a cell with the texts that start with its first byte (a dictionary of
// up to 64 texts) or scans and hashes it (a larger one): texts that are prefixes of others, texts
// holding a comma or quote (from quoted cells), and dictionaries growing past 64 mid-file.
const PREFIXED = ['Go', 'Gold', 'Golden', 'Gold Plus', 'G', 'ld', 'Ab', 'Abc', '"Go"', '"Go,ld"', '"Gold"""'];

function makeLargeFile(seed: number): string {
  const r = rng(seed);
  const columns = ['id', ...FEATURES, 'y'];
  const lines = [columns.join(',')];
  const n = 100 + Math.floor(r() * 400);
  const distinct = r() < 0.5 ? 40 : 200;
  for (let i = 0; i < n; i++) {
    const cat = () => (r() < 0.5 ? PREFIXED[Math.floor(r() * PREFIXED.length)] : r() < 0.1 ? '' : `G${Math.floor(r() * distinct)}`);
    lines.push([`c${Math.floor(r() * 300)}`, String(Math.floor(r() * 9)), cat(), cat(), String(Math.floor(r() * 2))].join(','));
  }
  return lines.join('\n') + '\n';
}

test('category cells by first-byte chains and by hash (dictionaries past 64 texts), prefixes and quoted texts: the general path\'s outcome', () => {
  const fastTaken = assertFastPathAgrees(makeLargeFile, SCHEMA, 120, 7919);
  assert.ok(fastTaken > 10_000, `rows the fast path took: ${fastTaken}`);
});
