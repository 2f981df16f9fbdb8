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

const inserted = new WeakMap();

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
