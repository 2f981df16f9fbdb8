// Mongo/GrowthBook conditions -> JsonLogic rules, for the json-logic-js
// peer in the benchmark. The translation covers the operators the shared
// workload uses and throws on anything else, so a rule is never silently
// approximated; bench/node/run-node.mjs then checks that json-logic-js's
// memberships equal expected-membership.txt.
//
// Faithfulness notes:
//  - `arrayFields` (the attributes that hold arrays, read from the data)
//    decide Mongo's array semantics: {tags: {$in: [...]}} on an array means
//    "some element is in the list", which JsonLogic spells with `some`.
//  - JsonLogic has no regular expressions: $regex becomes the custom
//    operation "regex" (addRegexOperation), which tests a cached RegExp and
//    is false for non-strings, as Mongo's $regex is.
//  - Equality uses === / !== (JsonLogic's == coerces, Mongo does not).

const CMP = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };

function fieldRule(path, ops, arrayFields) {
  const v = { var: path };
  const isArray = arrayFields.has(path);
  if (ops === null || typeof ops !== 'object' || Array.isArray(ops) || !Object.keys(ops).some((k) => k.startsWith('$'))) {
    if (isArray) throw new Error(`jsonlogic: equality on array field ${path} is not translated`);
    return { '===': [v, ops] };
  }
  const parts = [];
  for (const [op, arg] of Object.entries(ops)) {
    if (CMP[op]) {
      if (isArray || typeof arg !== 'number') throw new Error(`jsonlogic: ${op} on ${path} needs a numeric scalar`);
      // JsonLogic's comparisons coerce ("10" >= 5); Mongo compares numbers
      // only. Written the way a JsonLogic user would (no type guard): exact
      // on typed data, which the membership check confirms.
      parts.push({ [CMP[op]]: [v, arg] });
    } else if (op === '$eq') {
      if (isArray) throw new Error(`jsonlogic: $eq on array field ${path} is not translated`);
      parts.push({ '===': [v, arg] });
    } else if (op === '$ne') {
      if (isArray) throw new Error(`jsonlogic: $ne on array field ${path} is not translated`);
      parts.push({ '!==': [v, arg] });
    } else if (op === '$in' || op === '$nin') {
      const member = isArray ? { some: [v, { in: [{ var: '' }, arg] }] } : { in: [v, arg] };
      parts.push(op === '$in' ? member : { '!': member });
    } else if (op === '$all') {
      if (!isArray) throw new Error(`jsonlogic: $all on scalar field ${path} is not translated`);
      parts.push({ and: arg.map((x) => ({ in: [x, v] })) });
    } else if (op === '$elemMatch') {
      if (!isArray) throw new Error(`jsonlogic: $elemMatch on scalar field ${path} is not translated`);
      parts.push({ some: [v, fieldRule('', arg, new Set())] });
    } else if (op === '$regex') {
      parts.push({ regex: [v, arg] });
    } else {
      throw new Error(`jsonlogic: operator ${op} (on ${path}) is not translated`);
    }
  }
  return parts.length === 1 ? parts[0] : { and: parts };
}

/** Translates one Mongo-style condition. */
export function mongoToJsonLogic(condition, arrayFields = new Set()) {
  const parts = [];
  for (const [key, value] of Object.entries(condition)) {
    if (key === '$or' || key === '$and') {
      parts.push({ [key.slice(1)]: value.map((c) => mongoToJsonLogic(c, arrayFields)) });
    } else if (key === '$not') {
      parts.push({ '!': mongoToJsonLogic(value, arrayFields) });
    } else if (key.startsWith('$')) {
      throw new Error(`jsonlogic: top-level operator ${key} is not translated`);
    } else {
      parts.push(fieldRule(key, value, arrayFields));
    }
  }
  if (parts.length === 0) return true;
  return parts.length === 1 ? parts[0] : { and: parts };
}

/** Registers "regex" on a json-logic-js instance. */
export function addOperations(jsonLogic) {
  const cache = new Map();
  jsonLogic.add_operation('regex', (s, pattern) => {
    if (typeof s !== 'string') return false;
    let re = cache.get(pattern);
    if (!re) cache.set(pattern, (re = new RegExp(pattern)));
    return re.test(s);
  });
}

/** The attribute names that hold arrays in any of `profiles`. */
export function arrayFieldsOf(profiles) {
  const out = new Set();
  for (const p of profiles) for (const [k, v] of Object.entries(p)) if (Array.isArray(v)) out.add(k);
  return out;
}
