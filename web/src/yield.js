// Long jobs over lead lists (segmentLeads, its activity table) hand the
// event loop back this often, so a page stays responsive and an
// AbortSignal is seen while they run.

/** How long a job runs before it yields, in milliseconds. */
export const YIELD_EVERY_MS = 50;

/** Resolves on the next macrotask: timers, input and abort events run first. */
export const yieldToEventLoop = () => new Promise((resolve) => setTimeout(resolve, 0));
