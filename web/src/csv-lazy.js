// The package's CSV API as the page entry (index.js) exports it: the parser
// (csv.js) is loaded on first use, so a page that only personalizes never
// fetches it. parseCsv keeps its signature (it was already async); the
// low-level CsvParser / CsvRows keep their names and constructors, and their
// push()/end() resolve to what csv.js's return (one promise per chunk of
// text, not per record). typeValue stays synchronous: it is a few lines, and
// the entry keeps only it of csv.js.
let csvModule = null;
const loadCsv = () => (csvModule ??= import('./csv.js'));

/** Parses CSV into row objects, streaming (csv.js). */
export async function* parseCsv(input, options) {
  const csv = await loadCsv();
  yield* csv.parseCsv(input, options);
}

// One inner parser per object, created once the module is there. Every
// call awaits the same promise, so calls made without awaiting the previous
// one still run in order.
function inner(create) {
  const promise = loadCsv().then(create);
  promise.catch(() => {});  // reported by the first push() / end()
  return promise;
}

/** Low-level record splitter (csv.js CsvParser); push()/end() return promises. */
export class CsvParser {
  #parser = inner((csv) => new csv.CsvParser());

  /** @param {string} text @returns {Promise<string[][]>} */
  async push(text) {
    return (await this.#parser).push(text);
  }

  /** @returns {Promise<string[][]>} */
  async end() {
    return (await this.#parser).end();
  }
}

/** CSV records to row objects keyed by the header (csv.js CsvRows); push()/end() return promises. */
export class CsvRows {
  #rows;
  #ready = null;

  constructor(options) {
    this.#rows = inner((csv) => (this.#ready = new csv.CsvRows(options)));
  }

  /** @param {string} text */
  async push(text) {
    return (await this.#rows).push(text);
  }

  async end() {
    return (await this.#rows).end();
  }

  /** The column names (trimmed), or null before the header line is complete. */
  get header() {
    return this.#ready ? this.#ready.header : null;
  }

  /** The row numbers of the rows the last push() or end() resolved to (csv.js). */
  get rowNumbers() {
    return this.#ready ? this.#ready.rowNumbers : [];
  }
}
