// Personalized slots in the page:
//
//   <div data-leadseg-slot="hero">
//     <h1>Product overview</h1>                       <- the default: real HTML
//     <template data-variant="enterprise">...</template>
//     <template data-variant="tech_leader">...</template>
//   </div>
//
// What a slot holds besides its <template>s is its default content: real
// HTML, so crawlers, visitors without JavaScript and visitors whose wasm
// failed to load see it. render() decides each slot and, for a variant with
// a <template>, detaches the default and appends a copy of the template's
// content (after the templates); deciding the default again puts the same
// default nodes back. A slot without default content may keep its default
// in a <template data-variant> too (it then shows nothing before the
// decision). The element gets data-leadseg-variant="<id>"; a slot that
// cannot be decided gets data-leadseg-error and keeps what it showed.
//
// prepaint.js may have stamped a variant before the engine loaded (it marks
// the slot data-leadseg-prepaint and parks the default content in a
// <template data-leadseg-default>): render() adopts the stamped content when
// it decides the same variant, and replaces it otherwise. It may also have
// hidden a slot for a short budget (data-leadseg-pending) while a
// personalized decision was possible: render() reveals it.
//
// A late decision does not swap content the visitor may already be reading:
// when a slot showed its default before the engine's first decision (not
// hidden, not stamped), a different variant replaces it only if the slot is
// below the fold or the page is hidden, or the slot opts in with
// data-leadseg-late="swap". Otherwise the default stays (nothing is
// recorded: the decision is only peeked, so no exposure is counted) until
// the decision changes; the result's `deferred` names the variant kept back.

const DEFAULT = Symbol('default content');
const states = new WeakMap();

const isTemplate = (node) => node.nodeType === 1 && node.localName === 'template';
const meaningful = (node) => !isTemplate(node) && node.nodeType !== 8 && !(node.nodeType === 3 && !node.textContent.trim());

function templateFor(element, variant) {
  for (const child of element.children) {
    if (child.localName === 'template' && child.getAttribute('data-variant') === variant) return child;
  }
  return null;
}

// The slot's state on first sight: what it shows (a template, DEFAULT or
// nothing), the nodes showing it, and its default content.
function stateOf(element) {
  let state = states.get(element);
  if (state) return state;
  const parked = [...element.children].find((c) => isTemplate(c) && c.hasAttribute('data-leadseg-default'));
  if (element.hasAttribute('data-leadseg-prepaint')) {
    // What prepaint.js inserted: the nodes after the slot's last <template>.
    const nodes = [];
    for (const node of [...element.childNodes].reverse()) {
      if (isTemplate(node)) break;
      nodes.unshift(node);
    }
    const defaultNodes = parked ? [...parked.content.childNodes].filter(meaningful) : [];
    state = { shown: templateFor(element, element.getAttribute('data-leadseg-variant')), nodes, defaultNodes, decided: false, kept: null };
    element.removeAttribute('data-leadseg-prepaint');
  } else {
    const defaultNodes = parked ? [...parked.content.childNodes].filter(meaningful) : [...element.childNodes].filter(meaningful);
    const live = !parked && defaultNodes.length > 0;
    state = { shown: live ? DEFAULT : null, nodes: live ? defaultNodes : [], defaultNodes, decided: false, kept: null };
  }
  states.set(element, state);
  return state;
}

function reveal(element) {
  if (!element.hasAttribute('data-leadseg-pending')) return false;
  element.removeAttribute('data-leadseg-pending');
  element.style.visibility = '';
  return true;
}

// Whether the visitor cannot have seen the slot yet: below the fold, or the page not shown.
function unseen(element) {
  if (globalThis.document?.visibilityState === 'hidden') return true;
  const view = element.ownerDocument?.defaultView;
  if (!view || typeof element.getBoundingClientRect !== 'function') return true;
  return element.getBoundingClientRect().top >= view.innerHeight;
}

// Shows `target` (a template, or DEFAULT) in place of what the slot shows.
function show(element, state, target) {
  if (state.shown === target) return;
  for (const node of state.nodes) node.remove();
  let nodes = [];
  if (target === DEFAULT) {
    nodes = state.defaultNodes;
    element.append(...nodes);
  } else if (target) {
    const fragment = target.content.cloneNode(true);
    nodes = [...fragment.childNodes];
    element.appendChild(fragment);
  }
  state.shown = target;
  state.nodes = nodes;
}

/**
 * @param {{decide: Function, peek: Function, defaultVariant: (slot: string) => string}} engine
 * @param {ParentNode} root
 * @returns {{slot: string, variant: string|null, element: Element, deferred?: string, error?: Error}[]}
 */
export function renderSlots(engine, root) {
  if (!root || typeof root.querySelectorAll !== 'function') throw new TypeError('render(root): root must be a Document or an Element');
  const elements = [...root.querySelectorAll('[data-leadseg-slot]')];
  if (typeof root.matches === 'function' && root.matches('[data-leadseg-slot]')) elements.unshift(root);
  const results = [];
  for (const element of elements) {
    const slot = element.getAttribute('data-leadseg-slot');
    try {
      results.push(renderSlot(engine, element, slot));
    } catch (error) {
      element.setAttribute('data-leadseg-error', error.message);
      reveal(element);
      results.push({ slot, variant: null, element, error });
    }
  }
  return results;
}

function renderSlot(engine, element, slot) {
  const state = stateOf(element);
  const fallback = engine.defaultVariant(slot); // throws for an unknown slot, before anything is recorded
  const targetOf = (variant) => templateFor(element, variant) ?? (state.defaultNodes.length ? DEFAULT : templateFor(element, fallback));
  const pending = reveal(element);
  const guarded = state.kept !== null || (!state.decided && !pending && state.shown === DEFAULT &&
    element.getAttribute('data-leadseg-late') !== 'swap' && !unseen(element));
  if (guarded) {
    const peeked = engine.peek(slot).variant;
    if (targetOf(peeked) !== DEFAULT && (state.kept === null || peeked === state.kept)) {
      state.decided = true;
      state.kept = peeked;
      element.removeAttribute('data-leadseg-error');
      element.setAttribute('data-leadseg-variant', fallback);
      element.setAttribute('data-leadseg-deferred', peeked);
      return { slot, variant: fallback, element, deferred: peeked };
    }
    state.kept = null; // the decision changed (or is the default): apply it
    element.removeAttribute('data-leadseg-deferred');
  }
  const { variant } = engine.decide(slot);
  element.removeAttribute('data-leadseg-error');
  show(element, state, targetOf(variant));
  state.decided = true;
  element.setAttribute('data-leadseg-variant', variant);
  return { slot, variant, element };
}

/** The localStorage key prepaint.js reads (createEngine's storageName + ":prepaint"). */
export function prepaintKey(storageName) {
  return `${storageName}:prepaint`;
}

/**
 * Remembers the variant each rendered slot shows, for prepaint.js on the
 * next page view. Merged with the slots other pages rendered.
 * @returns {Error|null} the storage error, if localStorage refused it
 */
export function savePrepaint(storageName, results) {
  const decided = results.filter((r) => !r.error && typeof r.variant === 'string').map((r) => ({ slot: r.slot, variant: r.deferred ?? r.variant }));
  if (decided.length === 0) return null;
  try {
    const storage = globalThis.localStorage;
    if (!storage) return null;
    const key = prepaintKey(storageName);
    let slots = {};
    try {
      const record = JSON.parse(storage.getItem(key) ?? 'null');
      if (record?.v === 1 && record.slots && typeof record.slots === 'object') slots = record.slots;
    } catch {
      // unreadable: start over
    }
    let changed = false;
    for (const { slot, variant } of decided) {
      if (slots[slot] !== variant) {
        slots[slot] = variant;
        changed = true;
      }
    }
    if (changed) storage.setItem(key, JSON.stringify({ v: 1, slots }));
    return null;
  } catch (error) {
    return error;
  }
}

/** Forgets the pre-paint record (erase(), consent withdrawn). */
export function clearPrepaint(storageName) {
  try {
    globalThis.localStorage?.removeItem(prepaintKey(storageName));
  } catch {
    // storage blocked: then nothing was written either
  }
}
