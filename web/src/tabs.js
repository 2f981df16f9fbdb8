// Live sync between the site's tabs: every tab posts what it wrote (events,
// attribute and declaration records, erase, consent) on a BroadcastChannel
// named after the storage; the others apply it. Event ids make it safe to
// receive something twice; the core inserts late events in time order.

export class TabChannel {
  #channel = null;
  #tabId;

  /**
   * @param {string} name storage name
   * @param {string} tabId this engine's id (messages from itself are ignored)
   * @param {(message: object) => void} onMessage
   */
  constructor(name, tabId, onMessage) {
    this.#tabId = tabId;
    if (typeof globalThis.BroadcastChannel !== 'function') return;
    this.#channel = new BroadcastChannel(`leadseg:${name}`);
    this.#channel.onmessage = (event) => {
      const message = event.data;
      if (!message || typeof message !== 'object' || message.from === this.#tabId) return;
      onMessage(message);
    };
  }

  post(message) {
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
