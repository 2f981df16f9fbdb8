// Row-aligned byte ranges of a CSV (web/src/csv-ranges.js): every range,
// parsed with the header line in front, gives exactly the rows and row
// numbers of the whole file, wherever the ranges and the scan's slices cut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvRows } from '../../web/src/csv.js';
import { csvRanges } from '../../web/src/csv-ranges.js';
import { mulberry32 } from '../../bench/lib/track.js';

const decoder = new TextDecoder();

function parseAll(text) {
  const rows = new CsvRows({ types: false });
  const out = [];
  const numbers = [];
  out.push(...rows.push(text));
  numbers.push(...rows.rowNumbers);
  out.push(...rows.end());
  numbers.push(...rows.rowNumbers);
  return { rows: out, numbers };
}

async function parseByRanges(text, rangeBytes, sliceBytes) {
  const blob = new Blob([text]);
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const rows = [];
  const numbers = [];
  const leads = [];
  let header = null;
  let expectedStart = null;
  for await (const range of csvRanges(blob, { rangeBytes, sliceBytes })) {
    if ('header' in range) {
      header = range.header;
      expectedStart = header === null ? null : header.length;
      continue;
    }
    assert.equal(range.start, expectedStart, 'ranges are contiguous');
    expectedStart = range.end;
    const part = parseAll(decoder.decode(header) + decoder.decode(bytes.subarray(range.start, range.end)));
    rows.push(...part.rows);
    numbers.push(...part.numbers.map((n) => n - 2 + range.firstRow));
    leads.push(...part.rows.map((_, i) => range.firstLead + i));
  }
  if (header !== null) assert.equal(expectedStart, bytes.length, 'the ranges cover the file');
  return { rows, numbers, leads, header };
}

const TRICKY = [
  'a,b\n1,2\n3,4\n',
  'a,b\r\n1,2\r\n3,4',
  'a,b\r1,2\r3,4\r',
  '\uFEFFa,b\n"x\ny",2\n\n"q""\n",3\n',
  'a,b\n"1,\r\n2",x"y\n\r\n\n5,"z"zz\n6,""\n',
  'a,"b\nc"\n1,2\n"3\n',
  'a,b\nx"\n",1\n2,3\n',
  'name\n',
  'name',
  '',
];

test('every split point and slice size gives the rows, row numbers and lead indexes of the whole file', async () => {
  for (const text of TRICKY) {
    const whole = (() => {
      try {
        return parseAll(text);
      } catch (error) {
        return { error };
      }
    })();
    for (const rangeBytes of [1, 2, 3, 5, 8, 1000]) {
      for (const sliceBytes of [1, 2, 3, 7, 4096]) {
        const what = `${JSON.stringify(text)} rangeBytes ${rangeBytes} sliceBytes ${sliceBytes}`;
        let got;
        try {
          got = await parseByRanges(text, rangeBytes, sliceBytes);
        } catch (error) {
          assert.ok(whole.error, `${what}: ${error.message}`);
          continue;
        }
        if (got.header === null) continue; // no complete header line: segmentLeads reads such a file in one piece
        if (whole.error) continue; // the unclosed quote: the last range's parse says so
        assert.deepEqual(got.rows, whole.rows, what);
        assert.deepEqual(got.numbers, whole.numbers, what);
        assert.deepEqual(got.leads, whole.rows.map((_, i) => i), what);
      }
    }
  }
});

test('random CSVs with quotes, line breaks in fields and blank lines', async () => {
  const rnd = mulberry32(15);
  const pieces = ['a', 'bc', ',', '\n', '\r\n', '\r', '"', '""', '"x,\ny"', ' ', 'é', '😀'];
  for (let k = 0; k < 300; k++) {
    let text = 'h1,h2,h3\n';
    const n = Math.floor(rnd() * 40);
    for (let i = 0; i < n; i++) text += pieces[Math.floor(rnd() * pieces.length)];
    let whole;
    try {
      whole = parseAll(text);
    } catch {
      continue;
    }
    const rangeBytes = 1 + Math.floor(rnd() * 12);
    const sliceBytes = 1 + Math.floor(rnd() * 9);
    const got = await parseByRanges(text, rangeBytes, sliceBytes);
    const what = `${JSON.stringify(text)} rangeBytes ${rangeBytes} sliceBytes ${sliceBytes}`;
    assert.deepEqual(got.rows, whole.rows, what);
    assert.deepEqual(got.numbers, whole.numbers, what);
    assert.deepEqual(got.leads, whole.rows.map((_, i) => i), what);
  }
});

test('a range is never cut inside a quoted field', async () => {
  const text = `id,note\n1,"${'line\n'.repeat(50)}end"\n2,x\n`;
  const blob = new Blob([text]);
  const ranges = [];
  for await (const r of csvRanges(blob, { rangeBytes: 10, sliceBytes: 16 })) if (!('header' in r)) ranges.push(r);
  assert.deepEqual(ranges.map((r) => [r.firstRow, r.firstLead]), [[2, 0], [3, 1]]);
});
