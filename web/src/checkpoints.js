// When the engine writes a snapshot of the core to storage. Events and
// records are written as they happen (persistence.js); the snapshot is what
// lets the next page load restore the profile instead of replaying its whole
// history, so it is written once things settle: DELAY_MS after the last
// change, but no later than MAX_DELAY_MS after the first unsaved one (a busy
// page still checkpoints), and at once when the page is hidden, flushed or
// destroyed (writeIfDirty).

const DELAY_MS = 1000;
const MAX_DELAY_MS = 5000;

export class Checkpoints {
  #ready;
  #write;
  #timer = null;
  #deadline = 0;
  /** Whether the core changed since the last snapshot was written. */
  dirty = false;

  /**
   * @param {{ready: () => boolean, write: () => void}} io `ready`: whether
   *   there is somewhere to write (storage attached, engine alive); else the
   *   changes stay unsaved. `write`: writes a snapshot of the core now.
   */
  constructor({ ready, write }) {
    this.#ready = ready;
    this.#write = write;
  }

  /** The core changed; with `stored` (storage attached) a snapshot is scheduled. */
  changed(stored) {
    this.dirty = true;
    if (!stored) return;
    const now = Date.now();
    if (!this.#timer) this.#deadline = now + MAX_DELAY_MS;
    else clearTimeout(this.#timer);
    const delay = Math.max(0, Math.min(DELAY_MS, this.#deadline - now));
    this.#timer = setTimeout(() => this.write(), delay);
  }

  /** Writes a snapshot now (the scheduled one is cancelled). */
  write() {
    this.cancel();
    if (!this.#ready()) return;
    this.dirty = false;
    this.#write();
  }

  writeIfDirty() {
    if (this.dirty) this.write();
  }

  cancel() {
    clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Forgets the unsaved changes (the profile was erased). */
  reset() {
    this.cancel();
    this.dirty = false;
  }
}
