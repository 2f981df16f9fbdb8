// Automatic page views: a page_view event {path, referrer, title, utm_*}
// when the engine starts and on every navigation of a single-page app
// (history.pushState and popstate) that changes the path or the query.

/** The page_view properties of the current location. */
export function pageViewProps(referrer) {
  const url = new URL(globalThis.location.href);
  const props = { path: url.pathname, referrer: referrer ?? '', title: globalThis.document?.title ?? '' };
  for (const [key, value] of url.searchParams) {
    if (/^utm_[a-z_]+$/.test(key) && value && !(key in props)) props[key] = value;
  }
  return props;
}

/**
 * @param {(props: object) => void} track
 * @param {(error: unknown) => void} onError
 * @returns {() => void} undoes the hooks
 */
export function trackPageViews(track, onError) {
  const where = () => globalThis.location.pathname + globalThis.location.search;
  let lastHref = globalThis.location.href;
  let lastPlace = where();
  const send = (referrer) => {
    try {
      track(pageViewProps(referrer));
    } catch (error) {
      onError(error);
    }
  };
  const navigated = () => {
    const referrer = lastHref;
    lastHref = globalThis.location.href;
    if (where() === lastPlace) return;
    lastPlace = where();
    send(referrer);
  };
  send(globalThis.document.referrer);
  const history = globalThis.history;
  const original = history.pushState;
  const patched = function pushState(...args) {
    const result = original.apply(this, args);
    navigated();
    return result;
  };
  history.pushState = patched;
  globalThis.addEventListener('popstate', navigated);
  return () => {
    if (history.pushState === patched) history.pushState = original;
    globalThis.removeEventListener('popstate', navigated);
  };
}
