// The common shape of an event's properties and of identify's traits,
// checked and copied in one pass: a plain object whose values are strings,
// finite numbers, booleans, null or arrays of those ({path: '/pricing'},
// {category: 'guide', value: 10}, {interests: ['api', 'seo']}).
//
// track() and identify() need the value checked (errors.js toJsonText) and a copy that
// later changes by the caller cannot reach (the stored record). For flat
// props toJsonText's replacer walk (a JSON Pointer built per key), the JSON
// text and JSON.parse of it are most of the package's own cost per call;
// this gives the same copy without them. Anything else (nested values,
// undefined, lone surrogates, NaN, a toJSON method, a "__proto__" key)
// answers null, and the caller takes the general path, whose errors and
// normalization stay the only ones.
import { loneSurrogateAt } from './errors.js';

/**
 * The JSON-normalized copy of flat `props` (what
 * JSON.parse(toJsonText(props)) returns: -0 as 0, keys in the same order),
 * or null when `props` is not flat or not plainly valid.
 * @param {object} props a plain object (the caller has checked)
 * @returns {object|null}
 */
export function flatPropsCopy(props) {
  // JSON.stringify would call it instead of reading the properties.
  if (typeof props.toJSON === 'function') return null;
  const keys = Object.keys(props);
  const copy = {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    // An assignment would set the copy's prototype; JSON.parse makes a property.
    if (key === '__proto__' || loneSurrogateAt(key) >= 0) return null;
    const value = props[key];
    const normalized = Array.isArray(value) ? scalarsCopy(value) : scalar(value);
    if (normalized === NOT_FLAT) return null;
    copy[key] = normalized;
  }
  return copy;
}

const NOT_FLAT = Symbol('not flat');

// A string, finite number, boolean or null as JSON.parse would give it
// back (-0 as 0); NOT_FLAT for anything else (undefined, holes, NaN,
// objects, functions, symbols, BigInts, lone surrogates).
function scalar(value) {
  switch (typeof value) {
    case 'string': return loneSurrogateAt(value) >= 0 ? NOT_FLAT : value;
    case 'number': return !Number.isFinite(value) ? NOT_FLAT : value === 0 ? 0 : value;
    case 'boolean': return value;
    case 'object': return value === null ? null : NOT_FLAT;
    default: return NOT_FLAT;
  }
}

// An array of scalars (interests: ['api', 'seo']), copied as JSON.parse
// would have made it; NOT_FLAT otherwise.
function scalarsCopy(array) {
  if (typeof array.toJSON === 'function') return NOT_FLAT;
  const copy = new Array(array.length);
  for (let i = 0; i < array.length; i++) {
    const value = scalar(array[i]);
    if (value === NOT_FLAT) return NOT_FLAT;
    copy[i] = value;
  }
  return copy;
}
