// What a segmentLeads(config, lead objects) call works with (the module's
// LeadObjects, loaded with its config; its record writers, its result
// reader, its column set), kept with the batch module and started over per
// call rather than made per call.
//
// Why the helpers: V8's optimized code for the lead-objects path checks
// these objects' maps, and a map no live object uses is freed by a major GC
// (map transitions are weak); V8 then throws that code away ("weak
// objects"), and the next call ran in the interpreter while it was compiled
// again: ~40–70 ms CPU for a 50,000-lead call after every major GC
// (docs/performance.md, s32 leads). Objects that live as long as the module
// keep their maps, and the code, alive.
//
// Why the LeadObjects: compiling a config and setting up its engine and
// segment loop cost ~1–2 ms a call, and a caller usually passes the same
// config call after call. A call whose config text is the text the
// LeadObjects last loaded (===: equal code units, so a config object the
// caller changed between calls, which makes other text, is compiled again)
// restarts it instead; what the text gives here (the parsed config, the
// columns it reads) is kept by the same rule.
//
// One set a module, lent to one call at a time: a call that starts while
// another is in flight makes its own (and may leave it for the next; the
// other's LeadObjects is then deleted). What a call learned (its strings,
// attribute indexes, column names) is dropped when it ends or replaced
// when the next begins; only the writers' grown buffers and the config's
// set-up stay.
import { unwrapBatch } from './batch-module.js';
import { ObjectColumns, columnsRead } from './column-map.js';
import { RecordWriter } from './lead-records.js';
import { BatchResults } from './batch-results.js';
import { IndexedWriter } from './indexed-leads.js';

const NO_CONFIG = Object.freeze({});

class ObjectCallHelpers {
  constructor(module) {
    this.batch = new module.LeadObjects();
    this.text = null;  // the config text `batch` is loaded with, once loaded
    this.config = NO_CONFIG;  // and parsed
    this.reads = [];  // the attributes it reads (columnsRead)
    this.writer = new RecordWriter(new module.FrameWriter());
    this.indexed = new IndexedWriter(this.batch, this.writer.frames, new module.FrameWriter());
    this.results = new BatchResults(module, this.batch, NO_CONFIG);
    this.seen = new ObjectColumns();
  }

  /**
   * Loads config `text` for a call at `now` (the same text again: no
   * compiling, no parsing) and starts the helpers over on it. Returns the
   * config's warnings; throws the module's error for a config it refuses.
   */
  load(text, now, withMetrics) {
    const options = { now, metrics: withMetrics };
    let warnings;
    if (text === this.text) {
      warnings = unwrapBatch(this.batch.restart(options));
    } else {
      this.text = null;  // until this load succeeds
      warnings = unwrapBatch(this.batch.load(text, options));
      this.config = JSON.parse(text);
      this.reads = Object.freeze(columnsRead(this.config, Object.keys(JSON.parse(this.batch.computedAttributes()))));
      this.text = text;
    }
    this.writer.reset();
    this.indexed.begin(this.batch);
    this.results.begin(this.batch, this.config);
    this.seen.clear();
    return warnings;
  }

  end() {
    this.writer.reset();
    this.indexed.forget();
    this.results.start(0);
    this.seen.clear();
  }
}

const idle = new WeakMap();  // batch module -> its helpers, when no call has them

/**
 * Helpers for a call on the batch module `module`, empty of any other
 * call's state; load() them with the call's config. Give them back with
 * releaseHelpers.
 */
export function takeHelpers(module) {
  const helpers = idle.get(module);
  if (helpers === undefined) return new ObjectCallHelpers(module);
  idle.delete(module);
  return helpers;
}

/** At the end of a call (however it ended): its helpers, emptied, kept for the next (or deleted). */
export function releaseHelpers(module, helpers) {
  helpers.end();
  if (!idle.has(module)) idle.set(module, helpers);
  else helpers.batch.delete();
}
