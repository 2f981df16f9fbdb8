// blob-bytes.js: a Blob read front to back through one reused buffer, with
// a BYOB reader and (where a Blob's stream has none) through slices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlobBytes, blobChunks } from '../../web/src/blob-bytes.js';

// A Blob whose stream() is not a byte stream: getReader({mode: 'byob'}) throws.
class NoByobBlob extends Blob {
  stream() {
    const reader = super.stream().getReader();
    return new ReadableStream({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
    });
  }
}

// A Blob whose byte stream hands out at most 3 bytes per read, as a
// browser's may hand out less than the view asked for.
class ShortReadsBlob extends Blob {
  stream() {
    const reader = super.stream().getReader();
    let pending = new Uint8Array(0);
    return new ReadableStream({
      type: 'bytes',
      async pull(controller) {
        if (pending.length === 0) {
          const { done, value } = await reader.read();
          if (done) {
            controller.close();
            controller.byobRequest?.respond(0);
            return;
          }
          pending = value;
        }
        const request = controller.byobRequest;
        const n = Math.min(3, pending.length, request.view.byteLength);
        new Uint8Array(request.view.buffer, request.view.byteOffset, n).set(pending.subarray(0, n));
        pending = pending.subarray(n);
        request.respond(n);
      },
    });
  }
}

const bytesOf = (n, seed) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

const kinds = [
  ['BYOB', (b) => new Blob([b])],
  ['BYOB, short reads', (b) => new ShortReadsBlob([b])],
  ['slices', (b) => new NoByobBlob([b])],
];
for (const [what, make] of kinds) {
  test(`blobChunks (${what}): every byte, in order, in chunks of the size asked for, on one buffer`, async () => {
    for (const size of [0, 1, 5, 4096, 70_000, 200_003]) {
      for (const chunkBytes of [1, 7, 4096, 65_536, 1 << 20]) {
        if (size / chunkBytes > 20_000 || (what.includes('short') && size > 70_000)) continue;
        const data = bytesOf(size, chunkBytes);
        const got = new Uint8Array(size);
        let at = 0;
        let previous = null;
        for await (const chunk of blobChunks(make(data), chunkBytes)) {
          assert.ok(chunk.length > 0 && chunk.length <= chunkBytes);
          if (at + chunk.length < size) assert.equal(chunk.length, chunkBytes, 'only the last chunk is short');
          // The chunk before was on the same memory: moved away from
          // (detached, BYOB) or overwritten in place (slices).
          if (previous) assert.ok(previous.length === 0 || previous.buffer === chunk.buffer, 'a fresh buffer per chunk');
          got.set(chunk, at);
          at += chunk.length;
          previous = chunk;
        }
        assert.equal(at, size, `size ${size} chunkBytes ${chunkBytes}`);
        assert.deepEqual(got, data, `size ${size} chunkBytes ${chunkBytes}`);
      }
    }
  });

  test(`BlobBytes.fill (${what}): fills at an offset, then reads as empty at the end`, async () => {
    const data = bytesOf(1000, 3);
    const reader = new BlobBytes(make(data));
    const first = await reader.fill(new Uint8Array(new ArrayBuffer(700), 100, 600));
    assert.equal(first.byteOffset, 100);
    assert.deepEqual(first, data.subarray(0, 600));
    const second = await reader.fill(new Uint8Array(first.buffer, 0, 600));
    assert.deepEqual(second, data.subarray(600));
    assert.equal((await reader.fill(new Uint8Array(second.buffer))).length, 0);
    reader.close();
  });
}
