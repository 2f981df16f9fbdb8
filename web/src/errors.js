// Errors the package throws: plain `Error`s (name "LeadsegError") with a
// readable message and, where the problem is inside an input document, a
// `path` (a JSON Pointer, "" for the document itself). Errors coming from
// the WebAssembly core already have this shape and are passed through.

/**
 * @param {string} message
 * @param {string} [path]
 * @param {unknown} [cause]
 * @returns {Error & {path: string}}
 */
export function leadsegError(message, path = '', cause) {
  const error = /** @type {Error & {path: string}} */ (new Error(message, cause === undefined ? undefined : { cause }));
  error.name = 'LeadsegError';
  error.path = path;
  return error;
}

/** Adds a prefix to an error's message, keeping its path and diagnostics. */
export function withContext(error, prefix) {
  if (!(error instanceof Error)) return leadsegError(`${prefix}: ${String(error)}`);
  const wrapped = leadsegError(`${prefix}: ${error.message}`, typeof error.path === 'string' ? error.path : '', error);
  if (error.diagnostics) wrapped.diagnostics = error.diagnostics;
  return wrapped;
}

export function isPlainObject(value) {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Throws unless `value` is a plain object (`{...}`), naming the argument. */
export function requirePlainObject(value, what) {
  if (!isPlainObject(value)) throw leadsegError(`${what} must be a plain object, got ${describe(value)}`);
  return value;
}

/** Whether an error means the storage quota is exhausted (all browsers' spellings). */
export function isQuotaError(error) {
  if (!error || typeof error !== 'object') return false;
  return error.name === 'QuotaExceededError' || error.name === 'NS_ERROR_DOM_QUOTA_REACHED' || error.code === 22;
}

/** A short description of a value's type for messages: "a string", "a BigInt", "a Date", "null", ... */
export function describe(value) {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string': return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
    case 'number': return `the number ${value}`;
    case 'bigint': return `a BigInt (${value}n)`;
    case 'symbol': return 'a symbol';
    case 'function': return 'a function';
    case 'undefined': return 'undefined';
    case 'boolean': return `the boolean ${value}`;
    default: break;
  }
  if (Array.isArray(value)) return 'an array';
  const name = Object.getPrototypeOf(value)?.constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether string `s` has no lone surrogate (String.prototype.isWellFormed,
 * or the same test where the engine lacks it): the check the hot paths
 * make per string, where loneSurrogateAt's index is only wanted for a message.
 * @type {(s: string) => boolean}
 */
export const isWellFormed = typeof String.prototype.isWellFormed === 'function'
  ? (s) => s.isWellFormed()
  : (s) => !LONE_SURROGATE.test(s);

/** Index of the first lone surrogate of `s` (not valid Unicode, not encodable as UTF-8), or -1. */
export function loneSurrogateAt(s) {
  if (isWellFormed(s)) return -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return i;
    }
  }
  return -1;
}

function surrogateProblem(s) {
  const at = loneSurrogateAt(s);
  return at < 0 ? null : `has a lone surrogate (U+${s.charCodeAt(at).toString(16).toUpperCase()} at index ${at}), which is not valid Unicode`;
}

/** Throws unless `value` is a non-empty string of valid Unicode, naming the argument. */
export function requireString(value, what) {
  if (typeof value !== 'string' || !value) throw leadsegError(`${what} must be a non-empty string, got ${describe(value)}`);
  const problem = surrogateProblem(value);
  if (problem) throw leadsegError(`${what} ${problem}`);
  return value;
}

const pointerToken = (key) => `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
const MAX_DEPTH = 128; // the core's kMaxJsonDepth

// Objects JSON.stringify would turn into {} or garbage without a word.
const LOSSY = ['Map', 'Set', 'WeakMap', 'WeakSet', 'RegExp', 'Promise', 'Error', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView'];
function lossyKind(value) {
  if (ArrayBuffer.isView(value)) return value.constructor?.name ?? 'typed array';
  for (const name of LOSSY) {
    const ctor = globalThis[name];
    if (typeof ctor === 'function' && value instanceof ctor) return name;
  }
  return null;
}

/**
 * JSON.stringify that refuses, with the JSON Pointer of the offending value,
 * what JSON.stringify would silently change or lose: NaN and ±Infinity
 * (null), functions and symbols (dropped), BigInts, Maps, Sets and other
 * built-ins (TypeError, or {}), lone surrogates, cycles, nesting deeper
 * than the core reads, and a toJSON() that throws. `undefined` properties
 * are left out as JSON does; Dates become their ISO text (toJSON).
 * @param {unknown} value
 * @param {string} what names the argument in messages, e.g. 'identify(traits)'
 * @returns {string}
 */
export function toJsonText(value, what) {
  let paths = null; // object -> its JSON Pointer, made on the first nested object
  let root = null;
  let top = null; // the value itself, if an object (path '')
  const reject = (path, problem) => {
    throw leadsegError(`${what}${path ? ` at ${path}` : ''}: ${problem}`, path);
  };
  function replacer(key, v) {
    let path;
    if (root === null) {
      root = this;
      path = '';
    } else {
      const parent = this === top ? '' : paths?.get(this) ?? '';
      path = parent + pointerToken(key);
      if (typeof key === 'string' && !Array.isArray(this)) {
        const problem = surrogateProblem(key);
        if (problem) reject(path, `the key ${problem}`);
      }
    }
    switch (typeof v) {
      case 'number':
        if (!Number.isFinite(v)) reject(path, `${v} is not a finite number (JSON has no NaN or Infinity)`);
        return v;
      case 'string': {
        const problem = surrogateProblem(v);
        if (problem) reject(path, `the string ${problem}`);
        return v;
      }
      case 'bigint':
        return reject(path, `${describe(v)} is not JSON (convert it to a number or a string)`);
      case 'function':
      case 'symbol':
        return reject(path, `${describe(v)} is not JSON data`);
      case 'object': {
        if (v === null) return v;
        if (v instanceof Number || v instanceof String || v instanceof Boolean) return replacer.call(this, key, v.valueOf());
        const lossy = lossyKind(v);
        if (lossy) reject(path, `a ${lossy} is not JSON data (use a plain object or an array)`);
        const seen = v === top ? '' : paths?.get(v);
        if (seen !== undefined && (path === seen || path.startsWith(`${seen}/`))) {
          reject(path, `a cyclic structure (this refers back to ${seen || 'the value itself'}) cannot be converted to JSON`);
        }
        let depth = 0;
        for (let i = path.indexOf('/'); i !== -1 && depth <= MAX_DEPTH; i = path.indexOf('/', i + 1)) depth++;
        if (depth >= MAX_DEPTH) reject(path, `nests deeper than ${MAX_DEPTH} levels`);
        if (path === '') top = v;
        else (paths ??= new WeakMap()).set(v, path);
        return v;
      }
      default:
        return v;
    }
  }
  let text;
  try {
    text = JSON.stringify(value, replacer);
  } catch (error) {
    if (error?.name === 'LeadsegError') throw error;
    throw leadsegError(`${what} cannot be converted to JSON: ${error?.message ?? String(error)}`, '', error);
  }
  if (text === undefined) reject('', `${describe(value)} is not JSON data`);
  return text;
}
