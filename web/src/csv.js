// Streaming CSV (RFC 4180): quoted fields with "" escapes and line breaks,
// CRLF / LF / CR line ends, a UTF-8 byte order mark. The parser keeps only
// the current record between chunks, so a File or stream of any size is
// read in constant memory.
//
// The first record is the header. Values are typed: a number in JSON
// syntax (`42`, `-3.5`, `1e6`; not `007`, `+1` or ` 42`, which stay text)
// becomes a number, `true`/`false` (any case) a boolean, an empty field is
// left out of the row. Pass {types: false} to keep every value as text.
import { leadsegError } from './errors.js';

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3; // a quote inside a quoted field: "" or the end of it

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Types one raw field (see the module comment); undefined for empty. */
export function typeValue(text) {
  if (text === '') return undefined;
  if (text.length <= 5) {
    const lower = text.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  if (NUMBER.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n)) return n;
  }
  return text;
}

function countLines(text) {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Low-level record splitter: push(text) returns the complete records (arrays of strings). */
export class CsvParser {
  #field = '';
  #record = [];
  #state = FIELD_START;
  #skipLF = false;
  #started = false;
  #line = 1;
  #quoteLine = 1;

  /** @param {string} text @returns {string[][]} */
  push(text) {
    const out = [];
    let i = 0;
    const n = text.length;
    if (!this.#started && n > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    while (i < n) {
      if (this.#skipLF) {
        this.#skipLF = false;
        if (text.charCodeAt(i) === LF) {
          i++;
          continue;
        }
      }
      const state = this.#state;
      if (state === QUOTED) {
        const q = text.indexOf('"', i);
        const piece = q === -1 ? text.slice(i) : text.slice(i, q);
        this.#field += piece;
        this.#line += countLines(piece);
        if (q === -1) break;
        i = q + 1;
        this.#state = QUOTE_IN_QUOTED;
        continue;
      }
      if (state === QUOTE_IN_QUOTED) {
        if (text.charCodeAt(i) === QUOTE) {
          this.#field += '"';
          this.#state = QUOTED;
          i++;
          continue;
        }
        this.#state = UNQUOTED; // after the closing quote: lenient, text up to the delimiter is appended
      } else if (state === FIELD_START && text.charCodeAt(i) === QUOTE) {
        this.#state = QUOTED;
        this.#quoteLine = this.#line;
        i++;
        continue;
      }
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === COMMA || c === CR || c === LF) break;
        j++;
      }
      this.#field += text.slice(i, j);
      this.#state = UNQUOTED;
      if (j === n) break;
      const c = text.charCodeAt(j);
      i = j + 1;
      this.#record.push(this.#field);
      this.#field = '';
      this.#state = FIELD_START;
      if (c !== COMMA) {
        out.push(this.#record);
        this.#record = [];
        this.#line++;
        if (c === CR) this.#skipLF = true;
      }
    }
    return out;
  }

  /** Ends the input; returns the last record if it had no line break. */
  end() {
    if (this.#state === QUOTED) {
      throw leadsegError(`CSV: the quoted field that starts on line ${this.#quoteLine} is never closed`);
    }
    if (this.#state === FIELD_START && this.#record.length === 0) return [];
    this.#record.push(this.#field);
    const last = this.#record;
    this.#field = '';
    this.#record = [];
    this.#state = FIELD_START;
    return [last];
  }
}

/** Turns records into row objects keyed by the header. */
export class CsvRows {
  #parser = new CsvParser();
  #header = null;
  #types;
  #records = 0; // records seen, the header and blank lines included
  #numbers = [];

  constructor({ types = true } = {}) {
    this.#types = types;
  }

  /** @param {string} text */
  push(text) {
    return this.#rows(this.#parser.push(text));
  }

  end() {
    const rows = this.#rows(this.#parser.end());
    if (this.#header === null) throw leadsegError('CSV: the input is empty (expected a header line)');
    return rows;
  }

  /** The column names (trimmed), or null before the header line is complete. */
  get header() {
    return this.#header;
  }

  /**
   * The row numbers of the rows the last push() or end() returned, as a
   * spreadsheet shows them: the header is row 1, blank lines count, a
   * quoted line break does not start a new row.
   */
  get rowNumbers() {
    return this.#numbers;
  }

  #rows(records) {
    const out = [];
    this.#numbers = [];
    for (const record of records) {
      this.#records++;
      if (this.#header === null) {
        this.#header = record.map((name) => name.trim());
        continue;
      }
      if (record.length === 1 && record[0] === '') continue; // blank line
      const row = {};
      const n = Math.min(record.length, this.#header.length);
      for (let k = 0; k < n; k++) {
        const name = this.#header[k];
        if (name === '') continue;
        const value = this.#types ? typeValue(record[k]) : record[k] === '' ? undefined : record[k];
        if (value !== undefined) row[name] = value;
      }
      out.push(row);
      this.#numbers.push(this.#records);
    }
    return out;
  }
}

function isBlob(value) {
  return typeof globalThis.Blob === 'function' && value instanceof globalThis.Blob;
}

/**
 * Text chunks of a string, Blob/File, ReadableStream or (async) iterable of
 * strings / bytes. Bytes are decoded as UTF-8, streaming.
 */
export async function* textChunks(input) {
  if (typeof input === 'string') {
    yield input;
    return;
  }
  let source = input;
  if (isBlob(input)) source = input.stream();
  // Invalid UTF-8 is an error, not U+FFFD: the rows would differ from the
  // file without a word.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytesRead = 0;
  const decodeBytes = (bytes, stream) => {
    try {
      return decoder.decode(bytes, { stream });
    } catch (error) {
      throw leadsegError(`CSV: the input is not valid UTF-8 (in the bytes ${bytesRead - bytes.length}..${bytesRead})`, '', error);
    }
  };
  const decode = (chunk) => {
    if (typeof chunk === 'string') return chunk;
    let bytes;
    if (chunk instanceof ArrayBuffer) bytes = new Uint8Array(chunk);
    else if (ArrayBuffer.isView(chunk)) bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else throw leadsegError(`CSV: a stream chunk must be text or bytes, got ${chunk === null ? 'null' : typeof chunk}`);
    bytesRead += bytes.length;
    return decodeBytes(bytes, true);
  };
  if (source && typeof source.getReader === 'function') {
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = decode(value);
        if (text) yield text;
      }
    } finally {
      reader.releaseLock();
    }
  } else if (source && (typeof source[Symbol.asyncIterator] === 'function' || typeof source[Symbol.iterator] === 'function')) {
    for await (const chunk of source) {
      const text = decode(chunk);
      if (text) yield text;
    }
  } else {
    throw leadsegError('CSV input must be a string, a Blob/File, a ReadableStream or an iterable of text/bytes chunks');
  }
  const tail = decodeBytes(new Uint8Array(0), false);
  if (tail) yield tail;
}

/**
 * Parses CSV into row objects, streaming.
 * @param {string|Blob|ReadableStream|AsyncIterable<string|Uint8Array>} input
 * @param {{types?: boolean}} [options]
 */
export async function* parseCsv(input, options) {
  const rows = new CsvRows(options);
  for await (const text of textChunks(input)) yield* rows.push(text);
  yield* rows.end();
}

/**
 * parseCsv with row numbers: yields [row, rowNumber] (see CsvRows.rowNumbers).
 * `onHeader(names)` is called once the header line is read, before any row.
 * @param {string|Blob|ReadableStream|AsyncIterable<string|Uint8Array>} input
 * @param {{types?: boolean, onHeader?: (names: string[]) => void}} [options]
 */
export async function* parseCsvNumbered(input, { types = true, onHeader } = {}) {
  const rows = new CsvRows({ types });
  let headerSeen = false;
  const batch = function* (out) {
    if (!headerSeen && rows.header !== null) {
      headerSeen = true;
      onHeader?.(rows.header);
    }
    const numbers = rows.rowNumbers;
    for (let i = 0; i < out.length; i++) yield [out[i], numbers[i]];
  };
  for await (const text of textChunks(input)) yield* batch(rows.push(text));
  yield* batch(rows.end());
}
