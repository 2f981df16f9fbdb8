// GrowthBook's equivalent of a leadseg config's slots, for the cold-start
// comparison (bench/browser/cold.js, bench/node/cold-node.mjs): one feature
// per slot whose rules force each variant when its `when` holds, a
// `segments: {$in: [...]}` becoming the $or of those segments' conditions
// (GrowthBook evaluates conditions on attributes; leadseg's metrics would be
// attributes the site computes and passes).
export function growthBookFeatures(config) {
  const segments = new Map((config.segments ?? []).map((s) => [s.id, s.condition]));
  const features = {};
  for (const slot of config.slots ?? []) {
    const rules = [];
    for (const variant of slot.variants) {
      if (!variant.when) continue;
      const ids = variant.when.segments?.$in;
      const condition = ids ? { $or: ids.map((id) => segments.get(id)).filter(Boolean) } : variant.when;
      rules.push({ condition, force: variant.id });
    }
    features[slot.id] = { defaultValue: slot.default ?? slot.variants[0].id, rules };
  }
  return features;
}
