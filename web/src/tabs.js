// Live sync between the site's tabs: every tab posts what it wrote (events,
// attribute and declaration records, erase, consent) on a BroadcastChannel
// named after the storage; the others apply it. Event ids make it safe to
// receive something twice; the core inserts late events in time order.
//
// The messages, {kind, from} and:
//   events    {events: [{id, type, ts, props}]}  what the sender wrote to the log
//   state     {put: {key: record}, remove: [key]} shared state records (isSharedKey)
//   erase     {}                                  the visitor was forgotten
//   consent   {consent: {storage: false}}         storage consent was withdrawn
// A message of another shape (an older or newer version in another tab) is
// ignored rather than applied halfway.
import { isPlainObject } from './errors.js';

/**
 * Whether other tabs apply a stored record: the profile's records
 * (attributes, declarations, the measurement ledger) and the visitor id.
 * Not the snapshot or the format record: each tab writes its own from its
 * own engine, which the shared records keep in step.
 */
export const isSharedKey = (key) => /^[tdx]:/.test(key) || key === 'visitor';

export class TabChannel {
  #channel = null;
  #tabId;

  /**
   * @param {string} name storage name
   * @param {string} tabId this engine's id (messages from itself are ignored)
   * @param {{events: (events: object[]) => void, state: (put: object, remove: string[]) => void,
   *          erase: () => void, consent: (update: object) => void, error: (error: unknown) => void}} on
   *   what to do with each kind of message; events arrive in time order. A
   *   handler that throws is reported to `on.error`: one tab's bad message
   *   must not break this one.
   */
  constructor(name, tabId, on) {
    this.#tabId = tabId;
    if (typeof globalThis.BroadcastChannel !== 'function') return;
    this.#channel = new BroadcastChannel(`leadseg:${name}`);
    this.#channel.onmessage = (event) => {
      const message = event.data;
      if (!message || typeof message !== 'object' || message.from === this.#tabId) return;
      try {
        dispatch(message, on);
      } catch (error) {
        on.error(error);
      }
    };
  }

  /** Tells the other tabs what a storage write (persistence.js's batch) held. */
  postWrite(batch) {
    if (!this.#channel) return;
    if (batch.events.length) this.#post({ kind: 'events', events: batch.events });
    const put = Object.fromEntries(Object.entries(batch.put).filter(([key]) => isSharedKey(key)));
    const remove = batch.remove.filter(isSharedKey);
    if (Object.keys(put).length || remove.length) this.#post({ kind: 'state', put, remove });
  }

  postErase() {
    this.#post({ kind: 'erase' });
  }

  /** Storage consent withdrawn: the other tabs stop storing too (the data is gone). */
  postStorageWithdrawn() {
    this.#post({ kind: 'consent', consent: { storage: false } });
  }

  #post(message) {
    try {
      this.#channel?.postMessage({ ...message, from: this.#tabId });
    } catch {
      // A closed channel or an uncloneable value: other tabs catch up on reload.
    }
  }

  close() {
    this.#channel?.close();
    this.#channel = null;
  }
}

function dispatch(message, on) {
  if (message.kind === 'events' && Array.isArray(message.events)) {
    const events = message.events.filter((e) => e && typeof e.id === 'string');
    events.sort((a, b) => a.ts - b.ts);
    on.events(events);
  } else if (message.kind === 'state') {
    on.state(message.put ?? {}, message.remove ?? []);
  } else if (message.kind === 'erase') {
    on.erase();
  } else if (message.kind === 'consent' && isPlainObject(message.consent)) {
    on.consent(message.consent);
  }
}
