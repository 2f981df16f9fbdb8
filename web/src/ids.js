// Event ids and compact sets of them.
//
// Every engine instance (one per page load) picks a random `tabId`; its
// events are "<tabId>:<n>" with n = 1, 2, 3, ... So a set of event ids is,
// per tab id, a few integer ranges: a snapshot can say exactly which events
// it already contains in a few bytes.

// Where randomId's bytes come from: crypto.getRandomValues (cheap in a
// browser), unless the platform sets another source (node.js: the OS's
// random device, loader-node.js).
let fillRandom = (bytes) => {
  if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
};

/** Used by the node entry point: `fill(bytes)` fills a Uint8Array with random bytes. */
export function setRandomSource(fill) {
  fillRandom = fill;
}

/** A random identifier of `length` base-36 characters (crypto-random where available). */
export function randomId(length = 12) {
  const bytes = new Uint8Array(length);
  fillRandom(bytes);
  let out = '';
  for (const b of bytes) out += (b % 36).toString(36);
  return out;
}

/** Splits "<tab>:<n>" into [tab, n]; null when the id has another shape. */
export function parseEventId(id) {
  const colon = id.lastIndexOf(':');
  if (colon <= 0) return null;
  const n = Number(id.slice(colon + 1));
  if (!Number.isSafeInteger(n) || n < 0) return null;
  return [id.slice(0, colon), n];
}

/**
 * Builds the compact form {tabId: [[from, to], ...]} of a collection of event
 * ids (ids of another shape are listed under "" as themselves).
 * @param {Iterable<string>} ids
 */
export function compressIds(ids) {
  const byTab = new Map();
  const other = [];
  for (const id of ids) {
    const parsed = parseEventId(id);
    if (!parsed) {
      other.push(id);
      continue;
    }
    let list = byTab.get(parsed[0]);
    if (!list) byTab.set(parsed[0], (list = []));
    list.push(parsed[1]);
  }
  const out = {};
  for (const [tab, numbers] of byTab) {
    numbers.sort((a, b) => a - b);
    const ranges = [];
    for (const n of numbers) {
      const last = ranges[ranges.length - 1];
      if (last && n <= last[1] + 1) last[1] = Math.max(last[1], n);
      else ranges.push([n, n]);
    }
    out[tab] = ranges;
  }
  if (other.length) out[''] = other;
  return out;
}

/** Whether the compact set `covered` (from compressIds) contains `id`. */
export function coveredHas(covered, id) {
  const parsed = parseEventId(id);
  if (!parsed) return Array.isArray(covered['']) && covered[''].includes(id);
  const ranges = covered[parsed[0]];
  if (!Array.isArray(ranges)) return false;
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [from, to] = ranges[mid];
    if (parsed[1] < from) hi = mid - 1;
    else if (parsed[1] > to) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Checks the shape of a compact id set read back from storage. */
export function isValidCovered(covered) {
  if (covered === null || typeof covered !== 'object' || Array.isArray(covered)) return false;
  for (const [tab, ranges] of Object.entries(covered)) {
    if (!Array.isArray(ranges)) return false;
    if (tab === '') {
      if (!ranges.every((r) => typeof r === 'string')) return false;
      continue;
    }
    for (const r of ranges) {
      if (!Array.isArray(r) || r.length !== 2 || !Number.isSafeInteger(r[0]) || !Number.isSafeInteger(r[1]) || r[0] > r[1]) {
        return false;
      }
    }
  }
  return true;
}
