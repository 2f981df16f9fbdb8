// CSV columns named like something the engine computes (a metric id,
// score, grade, stage, temperature, segments, ...). Such a column is the
// file's data, not an attribute: it stays in the lead's fields and in an
// exported row, but it is not handed to identify (which refuses these
// names), so conditions see the computed value. A re-segmented export (its
// score, grade and stage columns) or a CRM column named like a metric
// therefore runs instead of failing on every row, and the run says so in
// summary.columns.computed and in a warning. The same rule holds in wasm
// (src/batch/lead_batch.cc) and in `leadseg segment`. Lead objects are not
// columns: an object key named so is still that lead's error.

const ALWAYS = ['declared', 'segments', 'rfm', 'score', 'grade', 'leadCell', 'temperature', 'stage', 'mql', 'sql'];

/** The names no column can give (CompiledConfig::IsReserved): the fixed ones and the config's metric ids. */
export function reservedNames(config) {
  const names = new Set(ALWAYS);
  for (const m of Array.isArray(config?.metrics) ? config.metrics : []) if (typeof m?.id === 'string') names.add(m.id);
  return names;
}

/** The file columns whose attribute (after columnMap) is reserved, in file order. */
export function computedColumns(names, columnMap, reserved) {
  return names.filter((name) => reserved.has(columnMap[name] ?? name));
}

/** The warning a run with such columns returns (with the config's warnings). */
export function computedColumnsWarning(columns) {
  const quoted = columns.map((c) => `"${c}"`).join(', ');
  return {
    code: 'computed-column',
    message: `the file's column${columns.length === 1 ? '' : 's'} ${quoted} ${columns.length === 1 ? 'is' : 'are'} named like what the config computes (a metric, score, grade, stage, segments, ...): left out of each lead's attributes, so conditions see the computed value${columns.length === 1 ? '' : 's'}; to use a column as an attribute, map it to another name with columnMap, e.g. {${`"${columns[0]}": "crm_${columns[0]}"`}}, and read that name in the config`,
    path: '/columnMap',
  };
}

/** `attributes` (already renamed) without the reserved names; the same object when it has none. */
export function withoutComputed(attributes, reserved) {
  let out = attributes;
  for (const key of Object.keys(attributes)) {
    if (!reserved.has(key)) continue;
    if (out === attributes) out = { ...attributes };
    delete out[key];
  }
  return out;
}
