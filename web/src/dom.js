// Personalized slots in the page:
//
//   <div data-leadseg-slot="hero">
//     <template data-variant="generic">...</template>
//     <template data-variant="enterprise">...</template>
//   </div>
//
// render() decides each slot and appends a copy of the chosen template's
// content to the element (after the templates). Template content is inert
// and never displayed, so no variant — the default included — shows before
// the decision. The element gets data-leadseg-variant="<id>"; re-rendering
// replaces what an earlier render inserted. A slot that cannot be decided
// gets data-leadseg-error and stays empty.
//
// prepaint.js may have filled a slot before the engine loaded (it marks it
// data-leadseg-prepaint): render() adopts that content when it decides the
// same variant, so nothing is re-inserted, and replaces it otherwise.

const inserted = new WeakMap();

// What prepaint.js inserted: the nodes after the slot's last <template>.
function adoptPrepaint(element) {
  const template = templateFor(element, element.getAttribute('data-leadseg-variant'));
  const nodes = [];
  let afterTemplates = false;
  for (const node of [...element.childNodes].reverse()) {
    if (node.nodeType === 1 && node.localName === 'template') afterTemplates = true;
    if (!afterTemplates) nodes.unshift(node);
  }
  element.removeAttribute('data-leadseg-prepaint');
  return { template, nodes };
}

function templateFor(element, variant) {
  for (const child of element.children) {
    if (child.localName === 'template' && child.getAttribute('data-variant') === variant) return child;
  }
  return null;
}

/**
 * @param {{decide: (slot: string) => {variant: string}, defaultVariant: (slot: string) => string}} engine
 * @param {ParentNode} root
 * @returns {{slot: string, variant: string|null, element: Element, error?: Error}[]}
 */
export function renderSlots(engine, root) {
  if (!root || typeof root.querySelectorAll !== 'function') throw new TypeError('render(root): root must be a Document or an Element');
  const elements = [...root.querySelectorAll('[data-leadseg-slot]')];
  if (typeof root.matches === 'function' && root.matches('[data-leadseg-slot]')) elements.unshift(root);
  const results = [];
  for (const element of elements) {
    const slot = element.getAttribute('data-leadseg-slot');
    let variant;
    try {
      variant = engine.decide(slot).variant;
    } catch (error) {
      element.setAttribute('data-leadseg-error', error.message);
      results.push({ slot, variant: null, element, error });
      continue;
    }
    element.removeAttribute('data-leadseg-error');
    if (!inserted.has(element) && element.hasAttribute('data-leadseg-prepaint')) inserted.set(element, adoptPrepaint(element));
    let template = templateFor(element, variant);
    // No template for the decided variant: the default's (decide() succeeded, so the slot exists).
    if (!template) template = templateFor(element, engine.defaultVariant(slot));
    const previous = inserted.get(element);
    if (previous && previous.template === template) {
      results.push({ slot, variant, element });
      continue;
    }
    for (const node of previous?.nodes ?? []) node.remove();
    const nodes = [];
    if (template) {
      const fragment = template.content.cloneNode(true);
      nodes.push(...fragment.childNodes);
      element.appendChild(fragment);
    }
    inserted.set(element, { template, nodes });
    element.setAttribute('data-leadseg-variant', variant);
    results.push({ slot, variant, element });
  }
  return results;
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
  const decided = results.filter((r) => !r.error && typeof r.variant === 'string');
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
