// The JSON text of a value that is plainly JSON data, checked in the one
// JSON.stringify pass that writes it: plain objects and arrays, well-formed
// strings and keys, finite numbers, booleans, null (and undefined where
// JSON leaves it out or writes null, as toJsonText does).
//
// Why: errors.js toJsonText builds a JSON Pointer for every key as it goes,
// so that a refusal names its place; for segmentLeads' config, made into
// text on every call (lead-object-helpers.js compares it with the last one
// loaded), that was ~0.2–0.4 ms of a call (30 segments), where this takes
// ~0.05. Anything else (NaN, a lone surrogate, a BigInt, a function, a Map
// or any other class's instance, a cycle, deep nesting, a throwing toJSON)
// answers null without a word, and the caller takes toJsonText, whose text
// and errors stay the only ones. (A toJSON runs before the check, as in
// toJsonText: a Date is its ISO text here too.) The properties are read
// once, in JSON.stringify's order, as toJsonText reads them: the same
// getters run the same number of times on the text returned.
import { loneSurrogateAt } from './errors.js';

// Below toJsonText's MAX_DEPTH (the core's kMaxJsonDepth, 128): deeper
// values are left to it, to refuse or take.
const MAX_DEPTH = 127;

const NOT_PLAIN = Symbol('not plain');

/**
 * @param {unknown} value
 * @returns {string|null} JSON.stringify(value), or null when toJsonText must decide
 */
export function plainJsonText(value) {
  const depths = new Map();  // object -> its depth (the root object's is 0)
  function check(key, v) {
    if (loneSurrogateAt(key) >= 0) throw NOT_PLAIN;
    switch (typeof v) {
      case 'string':
        if (loneSurrogateAt(v) >= 0) throw NOT_PLAIN;
        return v;
      case 'number':
        if (!Number.isFinite(v)) throw NOT_PLAIN;
        return v;
      case 'boolean':
      case 'undefined':
        return v;
      case 'object': {
        if (v === null) return v;
        const proto = Object.getPrototypeOf(v);
        if (!(proto === Object.prototype || proto === null || (proto === Array.prototype && Array.isArray(v)))) throw NOT_PLAIN;
        // JSON.stringify calls the replacer for an object's properties
        // right after the object's own call, `this` the object.
        const depth = (depths.get(this) ?? -1) + 1;
        if (depth >= MAX_DEPTH) throw NOT_PLAIN;
        depths.set(v, depth);
        return v;
      }
      default:
        throw NOT_PLAIN;  // bigint, function, symbol
    }
  }
  try {
    const text = JSON.stringify(value, check);
    return text === undefined ? null : text;
  } catch {
    return null;  // NOT_PLAIN, a cycle, a toJSON that threw: toJsonText words it
  }
}
