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
