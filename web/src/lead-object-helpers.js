// The objects a segmentLeads(config, lead objects) call works with (its
// record writers, its result reader, its column set), kept with the batch
// module and started over per call rather than made per call.
//
// Why: V8's optimized code for the lead-objects path checks these objects'
// maps, and a map no live object uses is freed by a major GC (map
// transitions are weak); V8 then throws that code away ("weak objects"),
// and the next call ran in the interpreter while it was compiled again:
// ~40–70 ms CPU for a 50,000-lead call after every major GC
// (docs/performance.md, s32 leads). Objects that live as long as the module
// keep their maps, and the code, alive.
//
// One set a module, lent to one call at a time: a call that starts while
// another is in flight makes its own (and may leave it for the next). What
// a call learned (its strings, attribute indexes, column names, the
// LeadObjects it read) is dropped when it ends or replaced when the next
// begins; only the writers' grown buffers stay.
import { ObjectColumns } from './column-map.js';
import { RecordWriter } from './lead-records.js';
import { BatchResults } from './batch-results.js';
import { IndexedWriter } from './indexed-leads.js';

class ObjectCallHelpers {
  constructor(module, batch, config) {
    this.writer = new RecordWriter(new module.FrameWriter());
    this.indexed = new IndexedWriter(batch, this.writer.frames, new module.FrameWriter());
    this.results = new BatchResults(module, batch, config);
    this.seen = new ObjectColumns();
  }

  begin(batch, config) {
    this.writer.reset();
    this.indexed.begin(batch);
    this.results.begin(batch, config);
    this.seen.clear();
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
 * Helpers for a call on `batch` (a loaded LeadObjects of `module`), empty
 * of any other call's state. Give them back with releaseHelpers.
 */
export function takeHelpers(module, batch, config) {
  const helpers = idle.get(module);
  if (helpers === undefined) return new ObjectCallHelpers(module, batch, config);
  idle.delete(module);
  helpers.begin(batch, config);
  return helpers;
}

/** At the end of a call (however it ended): its helpers, emptied, kept for the next. */
export function releaseHelpers(module, helpers) {
  helpers.end();
  if (!idle.has(module)) idle.set(module, helpers);
}
