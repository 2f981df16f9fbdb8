// The collector's storage: one SQLite file in WAL mode (better-sqlite3, an
// optional peer dependency of leadseg: `npm install better-sqlite3@12`).
//
// Reports are written by group commit: every report that arrives while the
// event loop is busy joins one transaction, and each request is answered
// only after that transaction is committed, so an acknowledged report
// survives the process being killed (synchronous=NORMAL, the default) or a
// power cut as well (FULL).
// One collector process per database file: report numbers are allocated here.
import Database from 'better-sqlite3';
import { ESTIMATES_SQL, REPORT_COUNT_SQL, REPORTS_TABLE } from './estimates-sql.js';

export class ReportStore {
  #db;
  #insert;
  #estimates;
  #count;
  #next;
  #queue = [];
  #scheduled = false;
  #commit;

  /**
   * @param {string} file a path, or ':memory:'
   * @param {'FULL'|'NORMAL'} synchronous NORMAL (default): a commit is in
   *   the WAL file, written to the OS, before the report is acknowledged, so
   *   it survives the process being killed, not a power cut; FULL: fsync on
   *   every group commit as well (several times slower, bench/collect-load.mjs).
   */
  constructor(file, synchronous = 'NORMAL') {
    if (synchronous !== 'FULL' && synchronous !== 'NORMAL') throw new TypeError('collector: synchronous must be FULL or NORMAL');
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma(`synchronous = ${synchronous}`);
    this.#db.exec(REPORTS_TABLE);
    this.#db.exec('CREATE INDEX IF NOT EXISTS reports_day ON reports (day)');
    this.#insert = this.#db.prepare('INSERT INTO reports (report, day, cell, bit, p1, p0) VALUES (?, ?, ?, ?, ?, ?)');
    this.#estimates = this.#db.prepare(ESTIMATES_SQL);
    this.#count = this.#db.prepare(REPORT_COUNT_SQL);
    this.#next = (this.#db.prepare('SELECT MAX(report) AS last FROM reports').get().last ?? 0) + 1;
    this.#commit = this.#db.transaction((batch) => {
      for (const { day, rows } of batch) {
        const report = this.#next++;
        for (const r of rows) this.#insert.run(report, day, r.cell, r.bit, r.p1, r.p0);
      }
    });
  }

  /** Stores one report's rows; resolves once they are committed. */
  add(day, rows) {
    return new Promise((resolve, reject) => {
      this.#queue.push({ day, rows, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush() {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    const next = this.#next;
    try {
      this.#commit(batch);
    } catch (error) {
      this.#next = next;
      for (const item of batch) item.reject(error);
      return;
    }
    for (const item of batch) item.resolve();
  }

  /** Rows of the estimator SQL for days from..to (inclusive). */
  estimates(from, to) {
    return this.#estimates.all(from, to);
  }

  reportCount(from, to) {
    return this.#count.get(from, to).reports;
  }

  close() {
    if (this.#queue.length) this.#flush();
    this.#db.close();
  }
}
