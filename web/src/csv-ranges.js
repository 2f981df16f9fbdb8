// Row-aligned byte ranges of a CSV Blob, for segmentLeads' workers: each
// range starts at the beginning of a record, so a worker parses it with the
// header line in front as if it were a file of its own.
//
// Finding a record boundary needs the parser's state there: a line break
// inside a quoted field is not one. The scan follows csv.js's dialect
// exactly (a quote opens a quoted field only at the start of a field; ""
// inside one is a quote; after the closing quote the field goes on
// unquoted up to the delimiter), but jumps from quote to quote with
// indexOf, so a file with few quotes is read at memchr speed. It reads the
// Blob in slices (never the whole file) and hands out each range as soon as
// its end is known, so workers start while the scan goes on.
import { leadsegError } from './errors.js';
import { BlobBytes } from './blob-bytes.js';

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

/** Bytes read per slice of the Blob while scanning. */
export const SCAN_SLICE_BYTES = 4 << 20;

/**
 * Scans `blob` and yields its ranges in order:
 * {start, end, firstRow, firstLead}. `firstRow` is the spreadsheet row
 * number of the range's first record (the header is row 1, blank lines
 * count, as CsvRows.rowNumbers); `firstLead` the index of its first lead
 * (blank lines and the header do not count). The header line itself is in
 * `header` of the first yielded item ({header: Uint8Array} before any
 * range); a file with no complete header line yields it alone.
 *
 * @param {Blob} blob
 * @param {{rangeBytes: number, sliceBytes?: number, signal?: AbortSignal}} options
 */
export async function* csvRanges(blob, { rangeBytes, sliceBytes = SCAN_SLICE_BYTES, signal }) {
  if (!(Number.isFinite(rangeBytes) && rangeBytes >= 1)) throw leadsegError('csvRanges: rangeBytes must be a positive number');
  const size = blob.size;
  const scan = new BoundaryScan();
  // The bytes scanned are on one buffer, reused slice after slice
  // (blob-bytes.js): the bytes kept from the last slice (a record may span
  // slices) are moved to its front and the next slice is read after them.
  const reader = new BlobBytes(blob);
  let buffer = new ArrayBuffer(Math.min(size, sliceBytes) + 64);
  let bytes = new Uint8Array(buffer, 0, 0);
  let base = 0; // offset of bytes[0] in the blob
  let read = 0; // bytes of the blob read so far
  const more = async () => {
    if (signal?.aborted) throw signal.reason ?? leadsegError('segmentLeads: aborted');
    const from = scan.keepFrom();
    const keep = bytes.length - (from - base);
    const want = Math.min(size - read, sliceBytes);
    if (keep + want > buffer.byteLength) {
      const bigger = new ArrayBuffer(keep + want);
      new Uint8Array(bigger).set(bytes.subarray(from - base));
      buffer = bigger;
    } else {
      new Uint8Array(buffer).copyWithin(0, from - base, bytes.length);
    }
    const next = await reader.fill(new Uint8Array(buffer, keep, want));
    buffer = next.buffer;
    read += next.length;
    if (next.length < want) read = size; // the blob ended early (it cannot grow)
    base = from;
    bytes = new Uint8Array(buffer, 0, keep + next.length);
  };

  try {
    // The header: the first record.
    let headerEnd = -1;
    while (headerEnd < 0) {
      if (read >= size) break;
      await more();
      headerEnd = scan.nextRecordEnd(bytes, base, 0, read >= size);
    }
    if (headerEnd < 0) {
      yield { header: null };
      return;
    }
    const header = new Uint8Array(await blob.slice(0, headerEnd).arrayBuffer());
    yield { header };

    let start = headerEnd;
    let firstRow = 2;
    let firstLead = 0;
    while (start < size) {
      const target = start + rangeBytes;
      let end = -1;
      if (target >= size) end = size;
      while (end < 0) {
        end = scan.nextRecordEnd(bytes, base, target, read >= size);
        if (end >= 0) break;
        if (read >= size) end = size; // the last record has no line break (or a quote is never closed: the worker says so)
        else await more();
      }
      if (end >= size) end = size;
      yield { start, end, firstRow, firstLead };
      // scan.records / blanks count every record ended before scan.pos.
      firstRow = scan.records + 1;
      firstLead = scan.records - 1 - scan.blanks;
      start = end;
    }
  } finally {
    reader.close();
  }
}

/**
 * csvRanges' ranges without reading the whole file: only the header and,
 * past each range's target size, the bytes up to the next line feed; each
 * range ends just after it (`firstRow` and `firstLead` are then unknown:
 * null). A guess that no quoted field spans a cut, which the ranges'
 * parsers check: the range before a cut starts at a record (the first
 * after the header does; by induction each next one), so it ends at one
 * exactly when that line feed ends a record, and otherwise a quoted field
 * is still open at its end, which the parser reports as an error
 * (segmentLeadsInWorkers then splits the file again with csvRanges).
 *
 * @param {Blob} blob
 * @param {{rangeBytes: number, windowBytes?: number, signal?: AbortSignal}} options
 */
export async function* guessedRanges(blob, { rangeBytes, windowBytes = 64 << 10, signal }) {
  if (!(Number.isFinite(rangeBytes) && rangeBytes >= 1)) throw leadsegError('csvRanges: rangeBytes must be a positive number');
  const size = blob.size;
  let header = null;
  // The header is read as csvRanges reads it (a quote may open in it).
  for await (const first of csvRanges(blob, { rangeBytes: Math.max(1, size), sliceBytes: windowBytes, signal })) {
    header = first.header;
    break;
  }
  yield { header };
  if (header === null) return;
  let start = header.length;
  while (start < size) {
    let end = size;
    for (let at = start + rangeBytes; at < size; at += windowBytes) {
      if (signal?.aborted) throw signal.reason ?? leadsegError('segmentLeads: aborted');
      const window = new Uint8Array(await blob.slice(at, Math.min(size, at + windowBytes)).arrayBuffer());
      const lf = window.indexOf(LF);
      if (lf >= 0) {
        end = at + lf + 1;
        break;
      }
    }
    yield { start, end, firstRow: null, firstLead: null };
    start = end;
  }
}

/**
 * The parser's state, byte by byte, as far as record boundaries go.
 * `pos` is the absolute offset scanned up to; `records` the records ended
 * before it (the header included), `blanks` how many of them were blank
 * lines (not counting the header).
 */
class BoundaryScan {
  pos = 0;
  records = 0;
  blanks = 0;
  #quoted = false;
  #afterQuote = false; // just after a quote inside a quoted field: "" or its end
  #fieldStart = true;
  #recordStart = 0;
  #bom = true;

  /** Where the bytes kept for the next call must start: `pos`, or the start of a record of up to 2 bytes (blank or not). */
  keepFrom() {
    return this.pos - this.#recordStart <= 2 ? Math.min(this.pos, this.#recordStart) : this.pos;
  }

  /**
   * Scans on from `pos` through `bytes` (which start at absolute offset
   * `base`) and returns the absolute end (just past the line break) of the
   * first record that ends at or after `atLeast`, or -1 if the bytes run
   * out first (the scan resumes there on the next call). `last`: no bytes
   * follow these.
   */
  nextRecordEnd(bytes, base, atLeast, last) {
    const n = bytes.length;
    let i = this.pos - base;
    if (this.#bom) {
      if (n < 3 && !last) return -1; // wait for the bytes a byte order mark would take
      this.#bom = false;
      if (base === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
        i = 3;
        this.#recordStart = 3;
      }
    }
    // Next quote / CR at or after i, cached for this call's bytes (-1: none).
    let nextQuote = -1;
    let nextCR = -1;
    while (i < n) {
      if (this.#quoted) {
        if (this.#afterQuote) {
          this.#afterQuote = false;
          if (bytes[i] === QUOTE) {
            i++;
            continue;
          }
          this.#quoted = false; // closed: the field goes on unquoted
          this.#fieldStart = false;
          continue;
        }
        const q = bytes.indexOf(QUOTE, i);
        if (q < 0) {
          i = n;
          break;
        }
        i = q + 1;
        this.#afterQuote = true;
        continue;
      }
      // Unquoted: the next line break, and whether a quote opening a field
      // comes first. A quote opens a field only at its start: right after
      // a comma or a line break (or where the field started, at i).
      if (nextQuote !== n && nextQuote < i) {
        nextQuote = bytes.indexOf(QUOTE, i);
        if (nextQuote < 0) nextQuote = n;
      }
      if (nextCR !== n && nextCR < i) {
        nextCR = bytes.indexOf(CR, i);
        if (nextCR < 0) nextCR = n;
      }
      let lf = bytes.indexOf(LF, i);
      if (lf < 0) lf = n;
      const e = Math.min(lf, nextCR);
      if (nextQuote < e) {
        const q = nextQuote;
        const opens = q === i ? this.#fieldStart : bytes[q - 1] === COMMA;
        if (opens) {
          this.#quoted = true;
        }
        this.#fieldStart = false;
        i = q + 1;
        continue;
      }
      if (e >= n) {
        if (n > i) this.#fieldStart = bytes[n - 1] === COMMA;
        i = n;
        break;
      }
      const c = bytes[e];
      // CsvRows skips a record of one empty field: an empty line or "".
      const length = base + e - this.#recordStart;
      const r = this.#recordStart - base;
      const blank = length === 0 || (length === 2 && bytes[r] === QUOTE && bytes[r + 1] === QUOTE);
      let end = e + 1;
      if (c === CR) {
        if (end >= n && !last) {
          // A LF may follow in the next slice: stop before the CR.
          this.#fieldStart = e === i ? this.#fieldStart : bytes[e - 1] === COMMA;
          i = e;
          break;
        }
        if (end < n && bytes[end] === LF) end++;
      }
      this.records++;
      if (blank && this.records > 1) this.blanks++;
      this.#recordStart = base + end;
      this.#fieldStart = true;
      i = end;
      if (base + end > atLeast) {
        this.pos = base + end;
        return base + end;
      }
    }
    this.pos = base + Math.min(i, n);
    return -1;
  }
}
