// The read side of the journal (journal.js): what the next page load, once
// it attaches the stored profile (profile-storage.js), reads back from the
// journals of earlier pages and other tabs, and drops once it is in
// storage. Apart from journal.js so that the page's entry, which only
// writes journals, does not carry it (only the stored profile's chunk
// imports this file: scripts/bundle-web.mjs).
import { journalKeys, local } from './journal.js';

const isEvent = (e) => e && typeof e === 'object' && typeof e.id === 'string' && e.id && typeof e.type === 'string' && e.type &&
  Number.isFinite(e.ts) && e.props && typeof e.props === 'object' && !Array.isArray(e.props);
const isState = (e) => e && typeof e === 'object' && typeof e.id === 'string' && e.id && typeof e.key === 'string' &&
  /^[td]:./.test(e.key) && Number.isFinite(e.at) && e.value !== undefined;

/**
 * Every journaled event and state record of the site's pages (earlier page
 * loads, other tabs).
 * @returns {{events: object[], state: object[], keys: string[]}} unreadable entries are skipped
 */
export function readJournals(storageName) {
  const storage = local();
  const out = { events: [], state: [], keys: journalKeys(storageName) };
  if (!storage) return out;
  try {
    for (const key of out.keys) {
      let list;
      try {
        list = JSON.parse(storage.getItem(key));
      } catch {
        continue;
      }
      if (!Array.isArray(list)) continue;
      out.events.push(...list.filter(isEvent));
      out.state.push(...list.filter(isState));
    }
  } catch {
    // storage blocked
  }
  return out;
}

/** Removes the entries `ids` from the journals `keys` (once they are in storage). */
export function forgetJournaled(keys, ids) {
  const storage = local();
  if (!storage || !ids.length) return;
  const done = new Set(ids);
  for (const key of keys) {
    try {
      const list = JSON.parse(storage.getItem(key) ?? '[]');
      const left = Array.isArray(list) ? list.filter((e) => !done.has(e?.id)) : [];
      if (left.length) storage.setItem(key, JSON.stringify(left));
      else storage.removeItem(key);
    } catch {
      storage.removeItem?.(key);
    }
  }
}
