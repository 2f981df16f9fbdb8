// Google Tag Manager's dataLayer as an event source: every object pushed
// with an `event` key becomes track(event, the other keys). Objects already
// in the array when leadseg loads are processed first, then push() is
// wrapped (GTM wraps it too and calls the previous push, so the order in
// which the two load does not matter). GTM's own events ("gtm.js",
// "gtm.dom", ...) and its bookkeeping keys are skipped.
import { isPlainObject } from './errors.js';

const GTM_KEYS = ['gtm.uniqueEventId', 'eventCallback', 'eventTimeout', 'gtm.start'];

/** The [type, props] a dataLayer item stands for, or null. */
export function dataLayerEvent(item) {
  if (!isPlainObject(item) || typeof item.event !== 'string' || !item.event || item.event.startsWith('gtm.')) return null;
  const { event, ...props } = item;
  for (const key of GTM_KEYS) delete props[key];
  return [event, JSON.parse(JSON.stringify(props))];
}

/**
 * @param {unknown[]} layer the dataLayer array
 * @param {(type: string, props: object) => void} track
 * @param {(error: unknown) => void} onError
 * @returns {() => void} undoes the hook
 */
export function bindDataLayer(layer, track, onError) {
  const handle = (item) => {
    try {
      const found = dataLayerEvent(item);
      if (found) track(found[0], found[1]);
    } catch (error) {
      onError(error);
    }
  };
  for (const item of layer.slice()) handle(item);
  const original = layer.push;
  const patched = function push(...items) {
    const result = original.apply(this, items);
    for (const item of items) handle(item);
    return result;
  };
  layer.push = patched;
  return () => {
    if (layer.push === patched) layer.push = original;
  };
}
