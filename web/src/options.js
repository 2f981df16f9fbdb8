// createEngine() options: checked up front so that a typo fails loudly
// instead of silently doing nothing.
import { describe, isPlainObject, leadsegError, loneSurrogateAt, toJsonText } from './errors.js';
import { checkStorageOption } from './storage/index.js';
import { isCompiledConfig } from './compiled.js';

const OPTION_KEYS = new Set([
  'config', 'storage', 'storageName', 'consent', 'onExposure', 'now', 'dataLayer', 'autoPageViews', 'dom',
  'wasmUrl', 'wasmBinary', 'module', 'on', 'maxEpsilon', 'reportBudget', 'experiments',
]);

export function checkOptions(options) {
  if (!isPlainObject(options)) throw leadsegError('createEngine(options): options must be an object with at least {config}');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw leadsegError(`createEngine: unknown option "${key}"`, `/${key}`);
  }
  const { config } = options;
  if (typeof config !== 'string' && !isPlainObject(config) && !isCompiledConfig(config)) {
    throw leadsegError(`createEngine: options.config must be a config object or its JSON text, got ${describe(config)} (or a compiled config: a Uint8Array or ArrayBuffer)`);
  }
  for (const name of ['now', 'onExposure']) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw leadsegError(`createEngine: options.${name} must be a function`);
  }
  checkStorageOption(options.storage);
  if (options.storageName !== undefined && (typeof options.storageName !== 'string' || !options.storageName)) {
    throw leadsegError('createEngine: options.storageName must be a non-empty string');
  }
  if (options.maxEpsilon !== undefined && !(Number.isFinite(options.maxEpsilon) && options.maxEpsilon > 0)) {
    throw leadsegError('createEngine: options.maxEpsilon must be a positive number');
  }
  if (options.on !== undefined && !isPlainObject(options.on)) throw leadsegError('createEngine: options.on must be an object {event: handler}');
  if (options.dataLayer !== undefined && typeof options.dataLayer !== 'boolean' && !Array.isArray(options.dataLayer)) {
    throw leadsegError('createEngine: options.dataLayer must be true or an array');
  }
  if (options.experiments !== undefined && !isExperimentList(options.experiments)) {
    throw leadsegError('createEngine: options.experiments must be an object {experimentKey: [variant ids]}');
  }
}

/** {experimentKey: [variant ids]} */
export function isExperimentList(value) {
  return isPlainObject(value) && Object.values(value).every((v) => Array.isArray(v) && v.every((x) => typeof x === 'string'));
}

/** The config as an object (for the JavaScript side) and as JSON text (for the core). */
export function parseConfig(config, what = 'createEngine: options.config') {
  if (typeof config !== 'string') return { object: config, text: toJsonText(config, what) };
  const at = loneSurrogateAt(config);
  if (at >= 0) {
    throw leadsegError(`${what} has a lone surrogate (U+${config.charCodeAt(at).toString(16).toUpperCase()} at index ${at}), which is not valid Unicode`);
  }
  try {
    return { object: JSON.parse(config), text: config };
  } catch (error) {
    throw leadsegError(`${what} is not valid JSON: ${error.message}`);
  }
}
