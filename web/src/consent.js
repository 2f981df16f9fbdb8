// Consent per purpose. Everything defaults to false: a site passes what its
// consent banner (CMP) recorded, and leadseg does nothing the visitor has
// not agreed to.
//
//   storage          keep the profile on the device (IndexedDB/localStorage)
//                    and share it with the site's other tabs
//   personalization  decide() picks variants for this visitor (else: defaults)
//   measurement      count exposures/conversions; report() may send
import { isPlainObject, leadsegError } from './errors.js';

export const PURPOSES = Object.freeze(['storage', 'personalization', 'measurement']);

/** A full consent object from a partial one, on top of `base`. */
export function mergeConsent(base, update, what = 'consent') {
  if (update === undefined || update === null) return { ...base };
  if (!isPlainObject(update)) throw leadsegError(`${what} must be an object like {storage: true, personalization: false, measurement: false}`);
  const next = { ...base };
  for (const [key, value] of Object.entries(update)) {
    if (!PURPOSES.includes(key)) {
      throw leadsegError(`${what}: unknown purpose "${key}" (use ${PURPOSES.join(', ')})`, `/${key}`);
    }
    if (typeof value !== 'boolean') throw leadsegError(`${what}.${key} must be true or false`, `/${key}`);
    next[key] = value;
  }
  return next;
}

export const NO_CONSENT = Object.freeze({ storage: false, personalization: false, measurement: false });

/**
 * Whether prepaint.js may show this visitor's variants before the engine
 * loads: it reads a record on the device (storage) that says what was
 * decided for them (personalization). Without either, the record goes.
 */
export const mayPrepaint = (consent) => consent.storage && consent.personalization;

/**
 * Consent changes, one at a time. Each change waits for the one before it
 * (storage opened or deleted, code loaded) and is merged on top of it when
 * it runs, so two quick setConsent() calls, or one and another tab's
 * withdrawal, end in the consent of the last one, with storage following.
 */
export class ConsentQueue {
  #chain = Promise.resolve();

  /** Runs `apply` after every change queued before it; resolves (or rejects) as it does. */
  queue(apply) {
    this.#chain = this.#chain.then(apply, apply);
    return this.#chain;
  }
}
