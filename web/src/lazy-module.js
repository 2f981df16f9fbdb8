// A module loaded on first use (a dynamic import(), a chunk of its own in
// the bundle) and then used synchronously: `value` is the module once
// get() has resolved. A failed load (the network) is tried again on the
// next get(), not remembered.

export class LazyModule {
  #load;
  #loading = null;
  /** The module, once loaded; null before. */
  value = null;

  /** @param {() => Promise<object>} load () => import('./x.js') */
  constructor(load) {
    this.#load = load;
  }

  /**
   * Starts the load (once) and resolves to the module. Safe to call without
   * awaiting (to fetch it early): a failure is reported where it is awaited.
   */
  get() {
    if (!this.#loading) {
      this.#loading = this.#load().then((module) => (this.value = module), (error) => {
        this.#loading = null;
        throw error;
      });
      this.#loading.catch(() => {});
    }
    return this.#loading;
  }
}
