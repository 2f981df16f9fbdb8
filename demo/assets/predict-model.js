// What the Predict and Discover page does with trainModel() and
// discoverSegments() results, as pure functions (node tests run them on
// fixed inputs): the planted-vs-recovered table, the nearest planted persona
// of a discovered cluster, and the config to download (the `predictive`
// section and the segments the user added).
//
// The `predictive` section is /work/notes/predictive-format.md's: a numeric
// feature's `weight` is per standard deviation (the training's `scale`), so
// per unit it is weight / scale; one-hot and missing weights are per 0/1.

/** Points the model adds to the score when the result carries neither scoring nor grading. */
export const DEFAULT_MODEL_POINTS = 40;

const numeric = (f) => f.equals === undefined && f.missing !== true;

/** The exported feature that matches a planted one, or undefined. */
function findFeature(features, planted) {
  return features.find((f) => {
    if (f.attribute !== planted.attribute) return false;
    if (planted.kind === 'equals') return f.equals === planted.equals;
    if (planted.kind === 'missing') return f.missing === true;
    // A yes/no attribute may be learned as a number (0/1) or as one-hot `equals: true`.
    return numeric(f) || f.equals === true;
  });
}

/** A feature's weight per unit: per standard deviation over the scale for numbers. */
export function perUnit(feature) {
  if (!numeric(feature)) return feature.weight;
  const scale = feature.scale === undefined ? 1 : feature.scale;
  return scale > 0 ? feature.weight / scale : feature.weight;
}

/** How a planted feature is named on the page. */
export function plantedLabel(f) {
  if (f.kind === 'equals') return `${f.attribute} = ${f.equals}`;
  if (f.kind === 'missing') return `${f.attribute} missing`;
  return f.attribute;
}

/**
 * The planted model next to the recovered one: [{label, planted, recovered}]
 * per planted feature (recovered null when the model has no such feature),
 * the intercept last. Numbers are per unit.
 */
export function plantedVsRecovered(planted, predictive) {
  const features = predictive?.features ?? [];
  const rows = planted.features.map((f) => {
    const found = findFeature(features, f);
    return { label: plantedLabel(f), planted: f.coefficient, recovered: found ? perUnit(found) : null, unit: f.unit ?? null };
  });
  // A standardised model's intercept is at the means; per unit it is the
  // intercept minus each numeric feature's mean × its per-unit weight.
  let intercept = null;
  if (predictive && Number.isFinite(predictive.intercept)) {
    intercept = predictive.intercept;
    for (const f of features) if (numeric(f) && f.mean) intercept -= perUnit(f) * f.mean;
  }
  rows.push({ label: 'intercept (log-odds when every feature is 0)', planted: planted.intercept, recovered: intercept, unit: null });
  return rows;
}

/**
 * The planted persona closest to a discovered cluster's centroid
 * ({feature: value in the data's units}), by distance in standard
 * deviations over the features both know. `personas`: {id: {feature: mean}},
 * `spread`: {feature: standard deviation}. null when nothing is comparable.
 */
export function nearestPersona(centroid, personas, spread) {
  if (!centroid || typeof centroid !== 'object') return null;
  let best = null;
  for (const [id, means] of Object.entries(personas)) {
    let d = 0;
    let n = 0;
    for (const [feature, mean] of Object.entries(means)) {
      const v = centroid[feature];
      const sd = spread[feature];
      if (typeof v !== 'number' || !(sd > 0)) continue;
      d += ((v - mean) / sd) ** 2;
      n += 1;
    }
    if (n && (!best || d < best.distance)) best = { id, distance: d };
  }
  return best ? { id: best.id, distance: Math.sqrt(best.distance) } : null;
}

/** Per persona, each feature's mean; and each feature's standard deviation overall. */
export function personaProfiles(leads, features) {
  const sums = {};
  const all = Object.fromEntries(features.map((f) => [f, [0, 0, 0]]));
  for (const { persona, values } of leads) {
    sums[persona] ??= { n: 0, ...Object.fromEntries(features.map((f) => [f, 0])) };
    sums[persona].n += 1;
    for (const f of features) {
      const v = Number(values[f]) || 0;
      sums[persona][f] += v;
      all[f][0] += 1;
      all[f][1] += v;
      all[f][2] += v * v;
    }
  }
  const personas = {};
  for (const [id, s] of Object.entries(sums)) personas[id] = Object.fromEntries(features.map((f) => [f, s[f] / s.n]));
  const spread = {};
  for (const [f, [n, s, ss]] of Object.entries(all)) spread[f] = n > 1 ? Math.sqrt(Math.max(0, (ss - (s * s) / n) / (n - 1))) : 0;
  const sizes = Object.fromEntries(Object.entries(sums).map(([id, s]) => [id, s.n]));
  return { personas, spread, sizes };
}

/** A segment id not yet in `taken` (a Set): `id`, else `id_2`, `id_3`, … */
function freeId(id, taken) {
  if (!taken.has(id)) return id;
  let i = 2;
  while (taken.has(`${id}_${i}`)) i += 1;
  return `${id}_${i}`;
}

/**
 * The config to download: a copy of `config` with the model as its
 * `predictive` section and the added segments appended (ids made unique).
 * `points` (the page's choice) replaces the section's scoring points; without
 * it the section keeps its own, or gets DEFAULT_MODEL_POINTS when it has
 * neither scoring nor grading. `config` is not modified.
 */
export function exportConfig(config, { predictive = null, segments = [], points } = {}) {
  const out = structuredClone(config);
  if (predictive) {
    const section = structuredClone(predictive);
    if (Number.isFinite(points)) section.scoring = { points };
    else if (!section.scoring && !section.grading) section.scoring = { points: DEFAULT_MODEL_POINTS };
    out.predictive = section;
  }
  if (segments.length) {
    out.segments = [...(out.segments ?? [])];
    const taken = new Set(out.segments.map((s) => s.id));
    for (const segment of segments) {
      const copy = structuredClone(segment);
      copy.id = freeId(copy.id, taken);
      taken.add(copy.id);
      out.segments.push(copy);
    }
  }
  return out;
}

/** One line for an onProgress value: a fraction, {done, total}, {fraction}, or {phase, …}. */
export function progressOf(p) {
  if (typeof p === 'number') return { fraction: Math.min(1, Math.max(0, p)), text: `${Math.round(p * 100)}%` };
  if (!p || typeof p !== 'object') return { fraction: null, text: 'Working…' };
  let fraction = null;
  if (Number.isFinite(p.fraction)) fraction = p.fraction;
  else if (Number.isFinite(p.done) && p.total > 0) fraction = p.done / p.total;
  const phase = typeof p.phase === 'string' ? p.phase : typeof p.stage === 'string' ? p.stage : '';
  const count = Number.isFinite(p.done) && Number.isFinite(p.total) ? `${p.done} of ${p.total}` : '';
  const text = [phase, count, fraction === null ? '' : `${Math.round(fraction * 100)}%`].filter(Boolean).join(' · ') || 'Working…';
  return { fraction: fraction === null ? null : Math.min(1, Math.max(0, fraction)), text };
}
