// engine.forms.bind(form, {slot, name, goal}): records form_view when bound
// and form_submit on submit, each with {form, slot, variant} — the variant
// decided for `slot` at bind time (the one the visitor saw). With `goal`,
// a submit also calls convert(goal). Field values are never read.
import { leadsegError } from './errors.js';

/** @returns {() => void} unbinds the submit listener */
export function bindForm(engine, form, options = {}) {
  if (!form || form.localName !== 'form' || typeof form.addEventListener !== 'function') {
    throw leadsegError('forms.bind(form, options): form must be a <form> element');
  }
  const { slot, name, goal } = options ?? {};
  if (slot !== undefined && (typeof slot !== 'string' || !slot)) throw leadsegError('forms.bind: options.slot must be a slot id');
  if (goal !== undefined && (typeof goal !== 'string' || !goal)) throw leadsegError('forms.bind: options.goal must be a goal name');
  const formName = name ?? form.getAttribute('data-leadseg-form') ?? form.getAttribute('name') ?? (form.id || 'form');
  const props = { form: formName };
  if (slot !== undefined) {
    props.slot = slot;
    props.variant = engine.decide(slot).variant;
  }
  engine.track('form_view', props);
  const onSubmit = () => {
    engine.track('form_submit', props);
    if (goal) engine.convert(goal);
  };
  form.addEventListener('submit', onSubmit);
  return () => form.removeEventListener('submit', onSubmit);
}
