// segmentLeads' activity table on the batch module's path: the table's CSV
// bytes go to wasm in chunks, once, before the leads; wasm groups them per
// lead id (src/batch/event_table.h) and replays each lead's events there
// from value frames, so no event becomes a JavaScript object or JSON text.
// Messages, progress and the abort check are those of lead-events.js's
// readEvents on the per-lead path (tests/web/batch-events.test.mjs runs the
// same cases through both).
import { leadsegError } from './errors.js';
import { feedSlices, unwrapBatch } from './batch-module.js';
import { YIELD_EVERY_MS, yieldToEventLoop } from './yield.js';

/** Whether an activity table can go to the batch module: CSV (text, Blob, stream), not an array of row objects. */
export function eventsFitBatch(events) {
  return events === undefined || !Array.isArray(events);
}

// The kernel's messages, worded as segmentLeads' per-lead path words them.
function eventsError(error) {
  if (error?.name === 'LeadsegError' && /^(options\.events|the events CSV)/.test(error.message)) {
    return leadsegError(`segmentLeads: ${error.message}`, error.path ?? '', error);
  }
  return error;
}

/**
 * Feeds the activity table to a loaded LeadBatch.
 * @param {object} module the batch module
 * @param {object} batch its LeadBatch, loaded with eventColumns
 * @param {AsyncIterable<Uint8Array>} chunks the table's bytes
 * @param {{signal?: AbortSignal, onProgress?: Function, progressEvery: number, chunkBytes: number}} options
 * @returns {Promise<number>} activity rows read
 */
export async function feedEventsToBatch(module, batch, chunks, { signal, onProgress, progressEvery, chunkBytes }) {
  let reported = 0;
  let lastYield = Date.now();
  const report = () => {
    const read = batch.eventsRead();
    for (let p = (Math.floor(reported / progressEvery) + 1) * progressEvery; p <= read; p += progressEvery) {
      onProgress?.({ processed: 0, eventsRead: p });
    }
    reported = read;
  };
  const feed = (bytes, last) => {
    feedSlices(module, batch, bytes, last, chunkBytes, (size, lastSlice) => {
      if (batch.feedEvents(size, lastSlice) < 0) {
        try {
          unwrapBatch(batch.lastError());
        } catch (error) {
          throw eventsError(error);
        }
      }
    });
    report();
  };
  if (signal?.aborted) throw signal.reason ?? leadsegError('segmentLeads: aborted');
  for await (const bytes of chunks) {
    feed(bytes, false);
    if (Date.now() - lastYield >= YIELD_EVERY_MS) {
      await yieldToEventLoop();
      lastYield = Date.now();
      if (signal?.aborted) throw signal.reason ?? leadsegError('segmentLeads: aborted');
    }
  }
  feed(new Uint8Array(0), true);
  if (reported % progressEvery !== 0) onProgress?.({ processed: 0, eventsRead: reported });
  return reported;
}
