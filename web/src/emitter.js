// A tiny synchronous event emitter. A handler that throws does not stop the
// other handlers or the engine call that emitted (see rethrowLater).

export class Emitter {
  #handlers = new Map();
  // Handlers of all events together: with none (the usual page), a call's
  // changes are not looked up event by event (web/src/engine.js).
  #count = 0;

  on(event, handler) {
    if (typeof event !== 'string') throw new TypeError('on(event, handler): event must be a string');
    if (typeof handler !== 'function') throw new TypeError(`on("${event}", handler): handler must be a function`);
    let set = this.#handlers.get(event);
    if (!set) this.#handlers.set(event, (set = new Set()));
    const before = set.size;
    set.add(handler);
    this.#count += set.size - before;
  }

  off(event, handler) {
    const set = this.#handlers.get(event);
    if (!set) return;
    if (handler === undefined) {
      this.#count -= set.size;
      set.clear();
    } else if (set.delete(handler)) {
      this.#count--;
    }
  }

  /** Whether no event has a handler. */
  get idle() {
    return this.#count === 0;
  }

  /** Whether `event` has a handler (so a caller can skip building its payloads). */
  has(event) {
    const set = this.#handlers.get(event);
    return set !== undefined && set.size > 0;
  }

  emit(event, payload) {
    const set = this.#handlers.get(event);
    if (!set || set.size === 0) return;
    for (const handler of [...set]) {
      try {
        handler(payload);
      } catch (error) {
        rethrowLater(error);
      }
    }
  }

  clear() {
    this.#handlers.clear();
    this.#count = 0;
  }
}

// Browsers: reported like an uncaught error (window "error" event, console).
// Elsewhere (node): logged, so that a handler's bug cannot crash a server.
export function rethrowLater(error) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
  else console.error('leadseg: an event handler threw:', error);
}
