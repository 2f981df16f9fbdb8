// Reads a Blob (a File) front to back into memory the caller reuses, for
// segmentLeads' CSV path (batch-csv.js, csv-ranges.js).
//
// Why not blob.slice(...).arrayBuffer() per chunk: every such read makes a
// fresh ArrayBuffer, and V8 collects those only when its external memory
// has grown by tens of megabytes since the last collection, in each
// thread. A 150 MB file read that way by the page (to find row boundaries)
// and by two workers (to parse) left ~250 MB of read-and-done chunks in
// the tab at its peak (docs/performance.md, "The CSV path's memory"). A
// BYOB reader fills the caller's buffer instead: it moves (is transferred)
// on every read, but its memory is the same, so a whole file goes through
// one chunk's worth. Where a Blob's stream has no BYOB reader, it falls back
// to slices, copied into the caller's buffer.
export class BlobBytes {
  #blob;
  #reader = null;
  #at = 0; // bytes read (the fallback's position)

  /** @param {Blob} blob */
  constructor(blob) {
    this.#blob = blob;
    try {
      this.#reader = blob.stream().getReader({ mode: 'byob' });
    } catch {
      this.#reader = null;
    }
  }

  /**
   * Fills `view` from the blob as far as the blob goes. Returns the filled
   * part, on the memory `view` was on: with a BYOB reader that memory now
   * belongs to another ArrayBuffer (the returned view's `buffer`; `view` is
   * detached), so the caller goes on with the returned view's buffer. An
   * empty result: the blob is read.
   * @param {Uint8Array} view
   * @returns {Promise<Uint8Array>}
   */
  async fill(view) {
    if (this.#reader === null) {
      const n = Math.max(0, Math.min(view.length, this.#blob.size - this.#at));
      if (n > 0) view.set(new Uint8Array(await this.#blob.slice(this.#at, this.#at + n).arrayBuffer()));
      this.#at += n;
      return view.subarray(0, n);
    }
    let { buffer } = view;
    const start = view.byteOffset;
    const length = view.length; // view is detached by the first read
    let filled = 0;
    while (filled < length) {
      const { done, value } = await this.#reader.read(new Uint8Array(buffer, start + filled, length - filled));
      if (value === undefined) return new Uint8Array(0); // cancelled
      buffer = value.buffer;
      if (done) break;
      filled += value.byteLength;
    }
    return new Uint8Array(buffer, start, filled);
  }

  /** Stops reading (the blob's stream is cancelled). */
  close() {
    this.#reader?.cancel().catch(() => {});
    this.#reader = null;
  }
}

/**
 * The bytes of `blob` in chunks of `chunkBytes` (the last may be shorter),
 * all on one reused buffer: a chunk is valid until the next is asked for
 * (then it reads as empty), so a consumer copies what it keeps.
 * @param {Blob} blob
 * @param {number} chunkBytes
 */
export async function* blobChunks(blob, chunkBytes) {
  const bytes = new BlobBytes(blob);
  const length = Math.max(1, Math.min(chunkBytes, blob.size));
  let view = new Uint8Array(length);
  try {
    for (;;) {
      const chunk = await bytes.fill(view);
      if (chunk.length === 0) return;
      yield chunk;
      view = new Uint8Array(chunk.buffer, 0, length);
    }
  } finally {
    bytes.close();
  }
}
