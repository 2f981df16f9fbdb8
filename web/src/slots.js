// What the JavaScript side reads of the config's `slots` without asking the
// core: each slot's default variant (what decide() returns without
// personalization consent) and each slot experiment's variants (the fixed
// shape of a report, see report.js).
//
//   "slots": [{"id": "lead_form", "default": "short", "variants": [...],
//              "experiment": {"key": "lead-form-tournament", "variants": ["short", "long", "quiz"]}}]

function slots(config) {
  return Array.isArray(config?.slots) ? config.slots.filter((s) => s && typeof s.id === 'string') : [];
}

/** Map slotId -> default variant id. */
export function slotDefaults(config) {
  return new Map(slots(config).map((s) => [s.id, s.default]));
}

/** {experimentKey: [variant ids]} of the slots' experiments. */
export function configExperiments(config) {
  const out = {};
  for (const { experiment } of slots(config)) {
    if (experiment && typeof experiment.key === 'string' && Array.isArray(experiment.variants)) out[experiment.key] = [...experiment.variants];
  }
  return out;
}
