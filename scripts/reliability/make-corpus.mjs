#!/usr/bin/env node
// Writes the bad-input corpus: one folder per case under test/reliability/corpus/<case>/ holding
// the input file(s) and expected.json (what riskwatch must do with them, decided by hand from the
// data format in docs/data.md — not recorded from a run). Cases whose bytes are huge, binary or not
// a plain file (1 MB field, 10,000 columns, gzip, a directory named x.csv, a file being written)
// hold only expected.json with "generate": the test builds them at run time.
// Re-run after editing a case: node scripts/reliability/make-corpus.mjs
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../test/reliability/corpus/', import.meta.url).pathname;
const H = 'corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited';
const lines = (...ls) => ls.join('\n') + '\n';
const cases = [];
/** name, title, files {name: content}, expect {file: outcome}, extra fields. */
const add = (name, title, files, expect, extra = {}) => cases.push({ name, title, files, expect, ...extra });
const ok = (rows, more = {}) => ({ outcome: 'accepted', status: 'ingested', rowsRead: rows, rowsAccepted: rows, rowsRejected: 0, rejectedByReason: {}, rowsAdded: rows, ...more });
const rows = (read, rejectedByReason, more = {}) => {
  const rejected = Object.values(rejectedByReason).reduce((a, b) => a + b, 0);
  return { outcome: rejected ? 'rows_rejected' : 'accepted', status: 'ingested', rowsRead: read, rowsAccepted: read - rejected, rowsRejected: rejected, rejectedByReason, rowsAdded: read - rejected, ...more };
};
const fileRejected = (reason) => ({ outcome: 'file_rejected', status: 'rejected', rowsAccepted: 0, rowsAdded: 0, reason });

// --- empty and header-only
add('empty-file', 'a zero-byte file', { 'data.csv': '' }, { 'data.csv': fileRejected('^file is empty$') });
add('blank-lines-only', 'only blank lines: no header', { 'data.csv': '\n\n\r\n\n' }, { 'data.csv': fileRejected('no header row') });
add('header-only', 'a header and no rows: valid, adds nothing', { 'data.csv': H + '\n' }, { 'data.csv': ok(0) });
add('header-only-no-newline', 'a header without a final newline', { 'data.csv': H }, { 'data.csv': ok(0) });
// --- columns
add('missing-feature-column', 'number_of_employees left out', { 'data.csv': lines('corporation,lastmonth_activity,lastyear_activity,exited', 'rw-a,1,2,0') }, { 'data.csv': fileRejected('required column "number_of_employees" is missing') });
add('missing-label-column', 'no exited column', { 'data.csv': lines('corporation,lastmonth_activity,lastyear_activity,number_of_employees', 'rw-a,1,2,3') }, { 'data.csv': fileRejected('required column "exited" is missing') });
add('missing-id-column', 'no corporation column', { 'data.csv': lines('lastmonth_activity,lastyear_activity,number_of_employees,exited', '1,2,3,0') }, { 'data.csv': fileRejected('required column "corporation" is missing') });
add('duplicated-column', 'exited twice', { 'data.csv': lines(H + ',exited', 'rw-a,1,2,3,0,1') }, { 'data.csv': fileRejected('column "exited" appears 2 times \\(columns 5, 6\\)') });
add('renamed-column', 'employees instead of number_of_employees', { 'data.csv': lines('corporation,lastmonth_activity,lastyear_activity,employees,exited', 'rw-a,1,2,3,0') }, { 'data.csv': fileRejected('required column "number_of_employees" is missing \\(header has: .*employees') });
add('header-case-changed', 'Corporation: column names are case-sensitive', { 'data.csv': lines(H.replace('corporation', 'Corporation'), 'rw-a,1,2,3,0') }, { 'data.csv': fileRejected('required column "corporation" is missing') });
add('header-padded', 'spaces around header names are trimmed', { 'data.csv': lines(H.split(',').map((h) => ` ${h} `).join(','), 'rw-pad,1,2,3,0') }, { 'data.csv': ok(1) });
add('columns-reordered', 'columns in another order are found by name', { 'data.csv': lines('exited,number_of_employees,corporation,lastyear_activity,lastmonth_activity', '1,30,rw-ro,200,10', '0,5,rw-ro2,3,4') }, { 'data.csv': ok(2) }, { roundTrip: { 'rw-ro': ['rw-ro', '10', '200', '30', '1'] } });
add('extra-column', 'an extra column is ignored with a warning', { 'data.csv': lines(H + ',note', 'rw-x,1,2,3,0,hello') }, { 'data.csv': ok(1, { reason: '^ignored extra columns: note$' }) });
// --- delimiters
add('semicolon-delimiter', 'European CSV with ;', { 'data.csv': lines(H.replaceAll(',', ';'), 'rw-a;1;2;3;0') }, { 'data.csv': fileRejected('required column "corporation" is missing \\(header has: corporation;lastmonth') });
add('tab-delimiter', 'TSV named .csv', { 'data.csv': lines(H.replaceAll(',', '\t'), 'rw-a\t1\t2\t3\t0') }, { 'data.csv': fileRejected('required column "corporation" is missing') });
add('mixed-delimiter-rows', 'one row written with ; in a comma file', { 'data.csv': lines(H, 'rw-m1,1,2,3,0', 'rw-m2;1;2;3;0', 'rw-m3,4,5,6,1') }, { 'data.csv': rows(3, { field_count: 1 }) }, { rowLog: { line: 3, reason: 'field_count' } });
// --- values
add('non-numeric', 'text in count columns', { 'data.csv': lines(H, 'rw-n1,abc,2,3,0', 'rw-n2,1,2,3,0', 'rw-n3,1,0x10,3,1', 'rw-n4,1,2,"1,000",0') }, { 'data.csv': rows(4, { not_a_number: 3 }) }, { rowLog: { line: 2, reason: 'not_a_number', column: 'lastmonth_activity' } });
add('decimal-count', 'a decimal where a count is expected', { 'data.csv': lines(H, 'rw-d1,1.5,2,3,0', 'rw-d2,1,2,3,0') }, { 'data.csv': rows(2, { decimal: 1 }) }, { rowLog: { line: 2, reason: 'decimal' } });
add('negative', 'negative counts', { 'data.csv': lines(H, 'rw-neg1,-1,2,3,0', 'rw-neg2,1,-20,3,1', 'rw-neg3,1,2,3,0') }, { 'data.csv': rows(3, { negative: 2 }) }, { rowLog: { line: 2, reason: 'negative', column: 'lastmonth_activity' } });
add('infinite', 'Infinity, inf and NaN', { 'data.csv': lines(H, 'rw-i1,Infinity,2,3,0', 'rw-i2,1,-inf,3,0', 'rw-i3,1,2,NaN,1', 'rw-i4,1,2,3,1') }, { 'data.csv': rows(4, { not_finite: 3 }) }, { rowLog: { line: 2, reason: 'not_finite' } });
add('huge-values', 'beyond 2^53 and 1e400', { 'data.csv': lines(H, 'rw-h1,99999999999999999999,2,3,0', 'rw-h2,1,9007199254740993,3,0', 'rw-h3,1,2,1e400,1', 'rw-h4,9007199254740991,2,3,1') }, { 'data.csv': rows(4, { too_large: 2, decimal: 1 }) }, { rowLog: { line: 2, reason: 'too_large' }, roundTrip: { 'rw-h4': ['rw-h4', '9007199254740991', '2', '3', '1'] } });
add('label-outside-0-1', 'labels 2, -1, yes, 0.5, true', { 'data.csv': lines(H, 'rw-l1,1,2,3,2', 'rw-l2,1,2,3,-1', 'rw-l3,1,2,3,yes', 'rw-l4,1,2,3,0.5', 'rw-l5,1,2,3,true', 'rw-l6,1,2,3, 1 ') }, { 'data.csv': rows(6, { invalid_label: 5 }) }, { rowLog: { line: 2, reason: 'invalid_label', column: 'exited' } });
add('empty-label', 'an empty label on a training row', { 'data.csv': lines(H, 'rw-e1,1,2,3,', 'rw-e2,1,2,3,0') }, { 'data.csv': rows(2, { missing_label: 1 }) }, { rowLog: { line: 2, reason: 'missing_label' } });
add('empty-id', 'an empty id', { 'data.csv': lines(H, ',1,2,3,0', 'rw-id,1,2,3,0') }, { 'data.csv': rows(2, { missing_id: 1 }) }, { rowLog: { line: 2, reason: 'missing_id' } });
add('missing-feature-cells', 'empty feature cells are missing values, kept and counted', { 'data.csv': lines(H, 'rw-mc1,,2,3,0', 'rw-mc2,1,,,1') }, { 'data.csv': ok(2, { missing: { lastmonth_activity: 1, lastyear_activity: 1, number_of_employees: 1 } }) }, { roundTrip: { 'rw-mc2': ['rw-mc2', '1', '', '', '1'] } });
add('padded-numbers', 'spaces around numbers are allowed', { 'data.csv': lines(H, 'rw-sp, 7 ,\t8,9 ,0') }, { 'data.csv': ok(1) }, { roundTrip: { 'rw-sp': ['rw-sp', '7', '8', '9', '0'] } });
add('all-rows-invalid', 'every row rejected: nothing valid arrives', { 'data.csv': lines(H, 'rw-b1,x,2,3,0', 'rw-b2,1,2,3,9') }, { 'data.csv': rows(2, { not_a_number: 1, invalid_label: 1 }) });
add('all-rows-duplicates', 'rows already ingested: accepted, nothing added', { 'data.csv': lines(H, 'nciw,45,0,99,1', 'lsid,36,234,541,0') }, { 'data.csv': ok(2, { rowsAdded: 0, duplicates: 2 }) });
add('duplicate-rows-within-file', 'the same row twice in one file: first kept', { 'data.csv': lines(H, 'rw-dup,1,2,3,0', 'rw-dup,1,2,3,0', 'rw-dup,1,2,3,1') }, { 'data.csv': ok(3, { rowsAdded: 2, duplicates: 1 }) });
// --- shape
add('ragged-short-row', 'a row with too few fields', { 'data.csv': lines(H, 'rw-r1,1,2,3', 'rw-r2,1,2,3,0') }, { 'data.csv': rows(2, { field_count: 1 }) }, { rowLog: { line: 2, reason: 'field_count' } });
add('ragged-long-row', 'a row with too many fields', { 'data.csv': lines(H, 'rw-r1,1,2,3,0,9', 'rw-r2,1,2,3,0') }, { 'data.csv': rows(2, { field_count: 1 }) }, { rowLog: { line: 2, reason: 'field_count' } });
add('trailing-comma-rows', 'every data row ends with a comma: all rows rejected', { 'data.csv': lines(H, 'rw-t1,1,2,3,0,', 'rw-t2,1,2,3,1,') }, { 'data.csv': rows(2, { field_count: 2 }) });
add('unterminated-quote', 'a quote opened and never closed', { 'data.csv': lines(H, 'rw-u1,1,2,3,0', '"rw-u2,1,2,3,0', 'rw-u3,1,2,3,1') }, { 'data.csv': fileRejected('unterminated quoted field') }, { rejectLine: 3 });
add('text-after-quote', 'text after a closing quote', { 'data.csv': lines(H, '"rw"q,1,2,3,0', 'rw-q2,1,2,3,0') }, { 'data.csv': rows(2, { malformed_quotes: 1 }) }, { rowLog: { line: 2, reason: 'malformed_quotes' } });
add('quoted-ids', 'ids with commas, doubled quotes and a line break', { 'data.csv': lines(H, '"rw, comma",1,2,3,0', '"rw ""quoted""",4,5,6,1', '"rw\nbroken",7,8,9,0') }, { 'data.csv': ok(3) }, { roundTrip: { 'rw, comma': ['rw, comma', '1', '2', '3', '0'], 'rw "quoted"': ['rw "quoted"', '4', '5', '6', '1'], 'rw\nbroken': ['rw\nbroken', '7', '8', '9', '0'] } });
add('blank-lines-between', 'blank lines between rows are skipped', { 'data.csv': lines(H, '', 'rw-bl1,1,2,3,0', '', '', 'rw-bl2,1,2,3,1', '') }, { 'data.csv': ok(2) });
// --- encodings
add('utf8-bom', 'UTF-8 with a byte-order mark', { 'data.csv': '\ufeff' + lines(H, 'rw-bom,1,2,3,0') }, { 'data.csv': ok(1) }, { roundTrip: { 'rw-bom': ['rw-bom', '1', '2', '3', '0'] } });
add('crlf', 'Windows line endings', { 'data.csv': [H, 'rw-crlf1,1,2,3,0', 'rw-crlf2,4,5,6,1'].join('\r\n') + '\r\n' }, { 'data.csv': ok(2) }, { roundTrip: { 'rw-crlf2': ['rw-crlf2', '4', '5', '6', '1'] } });
add('cr-only', 'classic Mac line endings: one line, so no usable header', { 'data.csv': [H, 'rw-cr,1,2,3,0'].join('\r') + '\r' }, { 'data.csv': fileRejected('required column "exited" is missing') });
add('latin1', 'latin-1 bytes (é as 0xE9)', { 'data.csv': Buffer.concat([Buffer.from(H + '\n'), Buffer.from('soci\xe9t\xe9,1,2,3,0\n', 'latin1')]) }, { 'data.csv': fileRejected('not UTF-8 text') }, { rejectLine: 2 });
add('utf8-multibyte-ids', 'UTF-8 ids (accents, CJK, emoji) are kept exactly', { 'data.csv': lines(H, 'société,1,2,3,0', '株式会社,4,5,6,1', 'rw-😀,7,8,9,0') }, { 'data.csv': ok(3) }, { roundTrip: { 'société': ['société', '1', '2', '3', '0'], '株式会社': ['株式会社', '4', '5', '6', '1'], 'rw-😀': ['rw-😀', '7', '8', '9', '0'] } });
add('utf16le', 'UTF-16 (what Excel\'s "Unicode text" saves): NUL bytes', { 'data.csv': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines(H, 'rw-16,1,2,3,0'), 'utf16le')]) }, { 'data.csv': fileRejected('binary data \\(NUL bytes\\)|not UTF-8') });
add('binary-nul', 'binary bytes with NULs', { 'data.csv': Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff, 0x00, 0x10, 0x0a, 0x00]) }, { 'data.csv': fileRejected('binary data \\(NUL bytes\\)') });
add('png-named-csv', 'a PNG image named .csv', { 'data.csv': Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex') }, { 'data.csv': fileRejected('binary data|not UTF-8') });
// --- generated at test time
add('gzip-named-csv', 'gzip-compressed CSV named .csv', {}, { 'data.csv': fileRejected('gzip-compressed, not CSV text') }, { generate: 'gzip' });
add('zip-named-csv', 'zip bytes named .csv', {}, { 'data.csv': fileRejected('zip-compressed') }, { generate: 'zip' });
add('directory-named-csv', 'a directory named x.csv', {}, { 'x.csv': fileRejected('is a directory, not a file') }, { generate: 'directory' });
add('file-being-written', 'a file that grows while it is read: rejected, not recorded, read once complete', {}, { 'growing.csv': fileRejected('file changed while it was being read') }, { generate: 'growing' });
add('truncated-last-row', 'a file whose writer has not finished the last row: that row rejected, the rest accepted; once finished the row arrives', { 'data.csv': H + '\nrw-tr1,1,2,3,0\nrw-tr2,4,5' }, { 'data.csv': rows(2, { field_count: 1 }) }, { generate: 'complete-later' });
add('field-1mb-id', 'a 1 MB id: valid, kept exactly', {}, { 'data.csv': ok(2) }, { generate: 'field-1mb-id' });
add('field-1mb-number', 'a 1 MB run of digits in a count', {}, { 'data.csv': rows(2, { too_large: 1 }) }, { generate: 'field-1mb-number' });
add('columns-10000', '10,000 columns, the required five among them', {}, { 'data.csv': ok(2, { reason: '^ignored extra columns: c0, c1, .* and 9985 more$' }) }, { generate: 'columns-10000' });
// The formula-looking clients have not left (label 0), so they are on the /risk call list.
add('formula-ids', 'ids that look like spreadsheet formulas are data: kept exactly, neutralised in CSV exports', { 'data.csv': lines(H, '"=cmd|\' /C calc\'!A0",9000,9000,1,0', '+SUM(1+1),8000,8000,1,0', '-2+3,7000,7000,1,0', '@SUM(A1),6000,6000,1,0', 'rw-safe,1,2,3,1') }, { 'data.csv': ok(5) }, { formula: ["=cmd|' /C calc'!A0", '+SUM(1+1)', '-2+3', '@SUM(A1)'], roundTrip: { "=cmd|' /C calc'!A0": ["=cmd|' /C calc'!A0", '9000', '9000', '1', '0'] } });
// --- names
add('not-listed', 'a dot-file and another extension are not data files', { '.hidden.csv': lines(H, 'rw-hid,1,2,3,0'), 'notes.txt': 'hello\n' }, { '.hidden.csv': { outcome: 'not_a_data_file', status: 'absent' }, 'notes.txt': { outcome: 'not_a_data_file', status: 'absent' } });
add('uppercase-extension', 'DATA.CSV is a data file (extension matched in any case)', { 'DATA.CSV': lines(H, 'rw-up,1,2,3,0') }, { 'DATA.CSV': ok(1) });

rmSync(root, { recursive: true, force: true });
for (const c of cases) {
  const dir = join(root, c.name);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(c.files)) writeFileSync(join(dir, name), content);
  const { files, name, ...expected } = c;
  writeFileSync(join(dir, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
}
console.log(`${cases.length} cases in ${root}`);
