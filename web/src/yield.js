// Long jobs over lead lists (segmentLeads, its activity table) hand the
// event loop back this often, so a page stays responsive and an
// AbortSignal is seen while they run.

/** How long a job runs before it yields, in milliseconds. */
export const YIELD_EVERY_MS = 50;

// In node a timer is an object (a Timeout). One made per yield dies with its
// call, and a major GC that frees the last one's map throws away the
// optimized code of the job that inlined setTimeout ("weak objects"): the
// next call ran in the interpreter while it was compiled again
// (docs/performance.md, s32 leads). So node gets one Timeout, made at the
// first yield and re-armed with refresh() (the same 0 ms timer, in the same
// timers phase); where timers are numbers (browsers) each yield is its own
// setTimeout, as before. Yields waiting at once resolve together.
let timer;  // undefined until the first yield; null where timers are not objects
let waiting = [];

function wake() {
  const resolvers = waiting;
  waiting = [];
  for (const resolve of resolvers) resolve();
}

/** Resolves on the next macrotask: timers, input and abort events run first. */
export const yieldToEventLoop = () => new Promise((resolve) => {
  if (timer === null) {
    setTimeout(resolve, 0);
    return;
  }
  waiting.push(resolve);
  if (waiting.length > 1) return;  // the timer is armed already
  if (timer === undefined) {
    const made = setTimeout(wake, 0);
    timer = typeof made === 'object' && made !== null && typeof made.refresh === 'function' ? made : null;
  } else {
    timer.refresh();
  }
});
