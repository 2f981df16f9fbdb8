// The streaming CSV parser of web/src/csv.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvParser, CsvRows, parseCsv, typeValue } from '../../web/src/csv.js';

async function rowsOf(input, options) {
  const rows = [];
  for await (const row of parseCsv(input, options)) rows.push(row);
  return rows;
}

function splitEverywhere(text) {
  // Every way of cutting the text in two, and one chunk per character.
  const cuts = [];
  for (let i = 0; i <= text.length; i++) cuts.push([text.slice(0, i), text.slice(i)]);
  cuts.push([...text]);
  return cuts;
}

test('RFC 4180: quotes, escaped quotes, delimiters and line breaks inside quotes', () => {
  const parser = new CsvParser();
  const text = 'a,b,c\r\n"x, y","he said ""hi""","line1\nline2"\r\nplain,,"" \r\n';
  const records = [...parser.push(text), ...parser.end()];
  assert.deepEqual(records, [
    ['a', 'b', 'c'],
    ['x, y', 'he said "hi"', 'line1\nline2'],
    ['plain', '', ' '],
  ]);
});

test('LF, CRLF and CR line ends; last line without a line break; BOM', () => {
  for (const eol of ['\n', '\r\n', '\r']) {
    const parser = new CsvRows();
    const text = `\uFEFFname,n${eol}ann,1${eol}bob,2`;
    assert.deepEqual([...parser.push(text), ...parser.end()], [{ name: 'ann', n: 1 }, { name: 'bob', n: 2 }], JSON.stringify(eol));
  }
});

test('chunk boundaries anywhere give the same rows (quotes, CRLF and BOM split across chunks)', () => {
  const text = '\uFEFFid,title,note\r\n1,"CTO, ""acting""","multi\r\nline"\r\n2,IT Manager,\r\n';
  const expected = [{ id: 1, title: 'CTO, "acting"', note: 'multi\r\nline' }, { id: 2, title: 'IT Manager' }];
  for (const chunks of splitEverywhere(text)) {
    const rows = new CsvRows();
    const out = [];
    for (const c of chunks) out.push(...rows.push(c));
    out.push(...rows.end());
    assert.deepEqual(out, expected, JSON.stringify(chunks).slice(0, 120));
  }
});

test('typing: JSON-syntax numbers, true/false, empty is missing, the rest stays text', () => {
  assert.equal(typeValue('42'), 42);
  assert.equal(typeValue('-3.5'), -3.5);
  assert.equal(typeValue('1e6'), 1e6);
  assert.equal(typeValue('0'), 0);
  assert.equal(typeValue('TRUE'), true);
  assert.equal(typeValue('false'), false);
  assert.equal(typeValue(''), undefined);
  for (const text of ['007', '+1', ' 42', '42 ', '1,000', '0x10', 'NaN', 'Infinity', '1.', '.5', 'yes']) {
    assert.equal(typeValue(text), text, text);
  }
  const rows = new CsvRows();
  const out = [...rows.push('a,b,c,d\n1,,true,x\n'), ...rows.end()];
  assert.deepEqual(out, [{ a: 1, c: true, d: 'x' }]);
  assert.ok(!('b' in out[0]), 'an empty field is left out');
  const text = new CsvRows({ types: false });
  assert.deepEqual([...text.push('a,b\n1,true\n'), ...text.end()], [{ a: '1', b: 'true' }]);
});

test('blank lines are skipped, short rows miss fields, extra fields are ignored', () => {
  const rows = new CsvRows();
  assert.deepEqual([...rows.push('a,b\n\n1\n2,3,4\n'), ...rows.end()], [{ a: 1 }, { a: 2, b: 3 }]);
});

test('an unclosed quote is an error naming its line; empty input is an error', () => {
  const parser = new CsvRows();
  parser.push('a,b\n1,2\n3,"open\nstill open');
  assert.throws(() => parser.end(), /quoted field that starts on line 3 is never closed/);
  assert.throws(() => new CsvRows().end(), /empty/);
});

test('parseCsv reads strings, Blobs, ReadableStreams of bytes (UTF-8 split mid-character) and async iterables', async () => {
  const text = 'name,city\nZoë,Zürich\n"Ünal","São Paulo"\n';
  const expected = [{ name: 'Zoë', city: 'Zürich' }, { name: 'Ünal', city: 'São Paulo' }];
  assert.deepEqual(await rowsOf(text), expected);
  assert.deepEqual(await rowsOf(new Blob([text])), expected);
  const bytes = new TextEncoder().encode(text);
  const stream = new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.slice(i, i + 3));
      controller.close();
    },
  });
  assert.deepEqual(await rowsOf(stream), expected);
  async function* pieces() {
    for (const piece of text.match(/.{1,5}/gs)) yield piece;
  }
  assert.deepEqual(await rowsOf(pieces()), expected);
  await assert.rejects(rowsOf(42), /CSV input must be/);
});
