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
  if (!isPlainObject(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw leadsegError(`${what} must be a plain object, got ${got}`);
  }
  return value;
}

/** Whether an error means the storage quota is exhausted (all browsers' spellings). */
export function isQuotaError(error) {
  if (!error || typeof error !== 'object') return false;
  return error.name === 'QuotaExceededError' || error.name === 'NS_ERROR_DOM_QUOTA_REACHED' || error.code === 22;
}
