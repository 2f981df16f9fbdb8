// Brings a core Engine up to date with what storage holds (persistence.js
// parseStored output): restore the snapshot, then apply, in time order, the
// events it does not contain and the attribute / declaration records that
// differ from it (a record of null, journaled for one removed: journal.js,
// removes it).
import { coveredHas } from './ids.js';
import { CorruptedStorageError } from './persistence.js';

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * @param {object} raw core Engine
 * @param {object} stored parseStored() result
 * @param {{fresh: boolean, retention: {maxAge: number}, isKnown: (id: string) => boolean,
 *          onChanges: (changes: object) => void}} options
 *   fresh: the engine holds nothing yet (page load): the snapshot is restored
 *   and stored records win; otherwise (storage consent given mid-page) stored
 *   events are merged and the page's own attributes win.
 * @returns {{applied: object[], expired: string[]}} events now in the engine, ids to delete
 */
export function replayStored(raw, stored, { fresh, retention, isKnown, onChanges }) {
  let covered = null;
  if (fresh && stored.snapshot) {
    try {
      raw.restore(stored.snapshot.bytes);
    } catch (error) {
      throw new CorruptedStorageError('snapshot', error?.message ?? String(error));
    }
    covered = stored.snapshot.covered;
  }
  const base = fresh && !covered ? { attributes: {}, declarations: {} } : raw.exportProfile();
  const applied = [];
  const expired = [];
  const steps = [];
  for (const e of stored.events) {
    if (covered && coveredHas(covered, e.id)) applied.push(e);
    else if (!isKnown(e.id)) steps.push({ at: e.ts, event: e });
  }
  for (const [name, record] of Object.entries(stored.traits)) {
    if (!fresh && name in base.attributes) continue;
    if (!same(base.attributes[name] ?? null, record.value)) steps.push({ at: record.at, trait: name, value: record.value });
  }
  if (fresh && covered) {
    for (const name of Object.keys(base.attributes)) {
      if (!(name in stored.traits)) steps.push({ at: stored.snapshot.at, trait: name, value: null });
    }
  }
  for (const [key, record] of Object.entries(stored.declarations)) {
    if (!fresh && key in base.declarations) continue;
    if (!same(base.declarations[key]?.value ?? null, record.value)) steps.push({ at: record.at, declaration: key, value: record.value });
  }
  if (fresh && covered) {
    for (const key of Object.keys(base.declarations)) {
      if (!(key in stored.declarations)) steps.push({ at: stored.snapshot.at, declaration: key, value: null });
    }
  }
  steps.sort((a, b) => a.at - b.at);
  for (const step of steps) {
    try {
      if (step.event) {
        const e = step.event;
        if (e.ts < raw.clock() - retention.maxAge) {
          expired.push(e.id);
          continue;
        }
        onChanges(raw.track(e.type, JSON.stringify(e.props), e.ts));
        applied.push(e);
      } else if (step.trait !== undefined) {
        onChanges(raw.identify(JSON.stringify({ [step.trait]: step.value }), step.at));
      } else {
        onChanges(raw.declare(step.declaration, JSON.stringify(step.value), step.at));
      }
    } catch (error) {
      const what = step.event ? `event ${step.event.id}` : step.trait !== undefined ? `attribute "${step.trait}"` : `declaration "${step.declaration}"`;
      throw new CorruptedStorageError('record', `${what} was rejected by the engine: ${error?.message ?? error}`);
    }
  }
  return { applied, expired };
}
