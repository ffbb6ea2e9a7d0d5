import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp.ts';
import { profileTable } from '../../src/init/profile-table.ts';
import { decideColumns, type ColumnDecision } from '../../src/init/decide-columns.ts';
import { crmCsv, windows1252 } from './crm-table.ts';

// What `init` decides for each kind of trap a real client export holds (the library functions
// under `riskwatch init`; the command itself is tested in init.test.ts).
const dir = tempDir();
let k = 0;
function file(content: string | Buffer, name = `t${++k}.csv`): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}
async function decide(content: string | Buffer, opts: { target?: string; id?: string } = {}) {
  const t = await profileTable(file(content), 'auto');
  return { t, d: decideColumns(t, opts) };
}
const summary = (cols: ColumnDecision[]) => Object.fromEntries(cols.map((c) => [c.name, c.role === 'feature' ? c.type : c.role === 'ignored' ? c.reason.split(':')[0] : c.role]));

const EXPECTED = {
  client_id: 'id',
  client_name: 'free text',
  region: 'category',
  plan: 'category',
  employees: 'count',
  revenue: 'number',
  country: 'constant',
  postal_code: 'identifier-like',
  notes: 'free text',
  signup_date: 'dates and times',
  churn_score: 'leak',
  churned: 'target',
};

test('a CRM export: id, text label, categories, blanks, constant, postal codes, free text, dates and a leak', async () => {
  const { t, d } = await decide(crmCsv({ rows: 2000 }));
  assert.deepEqual(summary(d.columns), EXPECTED);
  assert.deepEqual(d.target, { name: 'churned', positive: 'Yes', negative: 'No' });
  assert.equal(d.id, 'client_id');
  assert.deepEqual(d.features, ['region', 'plan', 'employees', 'revenue']);
  assert.deepEqual(d.featureTypes, { region: 'category', plan: 'category', employees: 'count', revenue: 'number' });
  // Blank and space-only cells are missing, not text: employees stays a count.
  const employees = t.columns.find((c) => c.name === 'employees')!;
  assert.ok(employees.blank > 40, `${employees.blank} blank cells`);
  // Every column has a reason; the leak's names the rule and its figure.
  for (const c of d.columns) assert.ok(c.reason.length > 5, c.name);
  assert.match(d.columns.find((c) => c.name === 'churn_score')!.reason, /^leak: alone separates churned almost perfectly \(single-feature AUC 1\.000 ≥ 0\.99 on 2,000 labelled rows\)/);
  assert.match(d.columns.find((c) => c.name === 'postal_code')!.reason, /with a leading zero/);
  assert.deepEqual(d.warnings, []);
});

test('BOM and CRLF: the same decisions, and the first column\'s name without the BOM', async () => {
  const { t, d } = await decide(crmCsv({ rows: 2000, bom: true, eol: '\r\n' }));
  assert.equal(t.header[0], 'client_id');
  assert.equal(t.header.at(-1), 'churned');
  assert.deepEqual(summary(d.columns), EXPECTED);
  assert.deepEqual(d.target, { name: 'churned', positive: 'Yes', negative: 'No' });
});

test('Windows-1252: read as such (the first line that is not UTF-8 named), accented categories kept whole', async () => {
  const regions = ['Île-de-France', 'Rhône-Alpes', 'Bretagne', 'Provence–Côte'];
  const lines = ['id,région,employees,exited'];
  for (let i = 0; i < 400; i++) lines.push(`c${i},${regions[i % 4]},${(i * 7) % 50},${i % 5 === 0 ? 1 : 0}`);
  // The en dash is 0x96 in Windows-1252 (not in latin-1): the whole code page is read.
  const { t, d } = await decide(windows1252(lines.join('\r\n') + '\r\n'));
  assert.equal(t.read.encoding, 'windows-1252');
  assert.equal(t.read.notUtf8Line, 1); // the header's "région"
  assert.equal(t.rows, 400);
  assert.deepEqual(summary(d.columns), { id: 'id', région: 'category', employees: 'count', exited: 'target' });
  const levels = [...t.columns[1].counts!.keys()].sort();
  assert.deepEqual(levels, [...regions].sort());
});

test('label words: which value means leaving', async () => {
  const cases: Array<[string, [string, string], string]> = [
    ['Attrition_Flag', ['Existing Customer', 'Attrited Customer'], 'Attrited Customer'],
    ['status', ['Active', 'Churned'], 'Churned'],
    ['Exited', ['0', '1'], '1'],
    ['churn', ['FALSE', 'TRUE'], 'TRUE'],
    ['left', ['stayed', 'left'], 'left'],
    ['Cancelled', ['N', 'Y'], 'Y'],
    ['churn', ['not churned', 'churned'], 'churned'],
    // Neither says: the rarer is taken, and the reason says so.
    ['churn', ['A', 'B'], 'B'],
  ];
  for (const [name, [neg, pos], expected] of cases) {
    const lines = [`client,size,${name}`];
    for (let i = 0; i < 200; i++) lines.push(`k${i},${i % 17},${i % 4 === 0 ? pos : neg}`);
    const { d } = await decide(lines.join('\n'));
    assert.equal(d.target.name, name, name);
    assert.equal(d.target.positive, expected, `${name}: ${neg}/${pos}`);
    if (neg === 'A') assert.match(d.columns.at(-1)!.reason, /neither value says which means leaving: the rarer, "B", is taken \(check target_positive\)/);
  }
});

test('a numeric code as id (CLIENTNUM-like), and other digit codes left out', async () => {
  const lines = ['CLIENTNUM,phone,zip,Customer_Age,Attrition_Flag'];
  for (let i = 0; i < 600; i++) lines.push(`${768805383 + i * 97},${String(600000000 + i * 13)},${10000 + ((i * 37) % 80000)},${25 + (i % 40)},${i % 6 === 0 ? 'Attrited Customer' : 'Existing Customer'}`);
  const { d } = await decide(lines.join('\n'));
  assert.deepEqual(summary(d.columns), { CLIENTNUM: 'id', phone: 'identifier-like', zip: 'identifier-like', Customer_Age: 'count', Attrition_Flag: 'target' });
});

test('leaks through blanks: a field filled only for clients who left', async () => {
  const lines = ['id,size,cancel_reason,days_since_cancel,churned'];
  for (let i = 0; i < 500; i++) {
    const left = i % 5 === 0;
    lines.push(`c${i},${(i * 13) % 40},${left ? ['price', 'service', 'moved'][i % 3] : ''},${left ? (i % 60) + 1 : ''},${left ? 'yes' : 'no'}`);
  }
  const { d } = await decide(lines.join('\n'));
  assert.deepEqual(summary(d.columns), { id: 'id', size: 'count', cancel_reason: 'leak', days_since_cancel: 'leak', churned: 'target' });
});

test('a number column with a few stray text cells stays a number, with a warning naming the cells', async () => {
  const lines = ['id,balance,churned'];
  for (let i = 0; i < 300; i++) lines.push(`c${i},${i === 17 ? 'n/a' : ((i * 7.5) % 101).toFixed(1)},${i % 3 ? 0 : 1}`);
  const { d } = await decide(lines.join('\n'));
  assert.equal(d.featureTypes.balance, 'number');
  assert.deepEqual(d.warnings, ['balance: 1 cells are not numbers (e.g. "n/a"): ingest rejects those rows (not_a_number); blank them to keep the rows']);
});

test('bad input: one clear message each', async () => {
  const rows = (label: (i: number) => string, name = 'churned') => ['id,size,' + name, ...Array.from({ length: 100 }, (_, i) => `c${i},${i % 9},${label(i)}`)].join('\n');
  await assert.rejects(decide(rows((i) => ['a', 'b', 'c'][i % 3])), /column churned looks like the target but has 3 values \("a", "b", "c"\): a target needs exactly two \(name another with --target\)/);
  await assert.rejects(decide(rows(() => 'No')), /column churned looks like the target but holds one value only \("No"\): a target needs rows that left and rows that stayed/);
  await assert.rejects(decide(rows((i) => String(i % 2), 'outcome')), /no target column found: expected a column with two values named like churn, churned, exited, attrition, left or cancelled \(name it with --target COLUMN\)/);
  await assert.rejects(decide(rows((i) => String(i % 2), 'outcome'), { target: 'nope' }), /--target nope: no such column in t\d+\.csv \(columns: id, size, outcome\)/);
  // --target names it: then it is the target.
  const { d } = await decide(rows((i) => String(i % 2), 'outcome'), { target: 'outcome' });
  assert.deepEqual(d.target, { name: 'outcome', positive: '1', negative: '0' });
  await assert.rejects(decide('id,churned\n'), /no data rows after the header/);
  await assert.rejects(decide(''), /the file is empty/);
  await assert.rejects(decide('id,id,churned\n1,2,0\n'), /line 1: column "id" appears twice \(columns 1 and 2\)/);
  await assert.rejects(decide(Buffer.from('id,churned\nab\0c,1\n')), /line 2: file holds binary data \(NUL bytes\), not CSV text/);
});

test('the seed data keeps its columns: corporation, three counts, exited', async () => {
  const { d } = await decide(crmCsv({ rows: 10 }).slice(0, 0) + 'corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited\nnciw,100,1359,1,0\nlsid,68,282,14,0\npwls,0,12,3,1\nbqlx,45,1010,8,1\nzmrh,1,40,2,0\n');
  assert.deepEqual(summary(d.columns), { corporation: 'id', lastmonth_activity: 'count', lastyear_activity: 'count', number_of_employees: 'count', exited: 'target' });
  assert.match(d.warnings[0], /not checked for leaks: fewer than 10 labelled rows of each class/);
});

test('a client seen in several months: its repeating id is the id, not a unique notes column', async () => {
  const lines = ['month,client_id,note,seats,churned'];
  for (let m = 1; m <= 3; m++) for (let i = 0; i < 200; i++) lines.push(`2025-0${m},k${i},call ${m}-${i} went well,${(i * 3) % 25},${i % 7 === 0 && m === 3 ? 'yes' : 'no'}`);
  const { d } = await decide(lines.join('\n'));
  assert.equal(d.id, 'client_id');
  assert.deepEqual(summary(d.columns), { month: 'dates and times', client_id: 'id', note: 'free text', seats: 'count', churned: 'target' });
});
