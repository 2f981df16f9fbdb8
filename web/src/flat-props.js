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
    let value = props[key];
    switch (typeof value) {
      case 'string':
        if (loneSurrogateAt(value) >= 0) return null;
        break;
      case 'number':
        if (!Number.isFinite(value)) return null;
        if (value === 0) value = 0; // -0 is "0" in JSON
        break;
      case 'boolean':
        break;
      case 'object':
        if (value !== null) {
          value = Array.isArray(value) ? scalarsCopy(value) : null;
          if (value === null) return null;
        }
        break;
      default:
        return null;
    }
    copy[key] = value;
  }
  return copy;
}

// An array of strings, finite numbers, booleans and nulls (interests:
// ['api', 'seo']), copied as JSON.parse would have made it; null otherwise.
function scalarsCopy(array) {
  if (typeof array.toJSON === 'function') return null;
  const copy = new Array(array.length);
  for (let i = 0; i < array.length; i++) {
    let value = array[i];
    switch (typeof value) {
      case 'string':
        if (loneSurrogateAt(value) >= 0) return null;
        break;
      case 'number':
        if (!Number.isFinite(value)) return null;
        if (value === 0) value = 0;
        break;
      case 'boolean':
        break;
      case 'object':
        if (value !== null) return null;
        break;
      default:
        return null; // undefined (and holes), functions, symbols, BigInts
    }
    copy[i] = value;
  }
  return copy;
}
