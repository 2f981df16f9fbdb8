// Decisions and what measurement consent lets the device remember of them.

/**
 * The core's decision in the documented shape: reason {kind, rule, path}
 * where kind is "rule" (variants[rule].when, at JSON Pointer `path`, held),
 * "default" or "experiment".
 */
export function normalizeDecision({ slot, variant, reason = {}, experiment = null }) {
  const kind = typeof reason.rule === 'number' ? 'rule' : reason.experiment !== undefined ? 'experiment' : 'default';
  return {
    slot,
    variant,
    reason: { kind, rule: kind === 'rule' ? reason.rule : null, path: kind === 'rule' ? reason.condition ?? null : null },
    experiment,
  };
}

/**
 * Per experiment and variant: was the visitor exposed, did they convert.
 * Filled only under measurement consent; report() reads it. Records are
 * {variants: {variantId: {exposed, converted}}}, stored as "x:<key>".
 */
export class Ledger {
  #records = {};

  /** Sets a bit; returns the experiment's record (a copy) if it changed, else null. */
  mark(key, variant, bit) {
    const record = (this.#records[key] ??= { variants: {} });
    const entry = (record.variants[variant] ??= { exposed: false, converted: false });
    if (entry[bit]) return null;
    entry[bit] = true;
    return structuredClone(record);
  }

  /** ORs a stored or received record into this ledger. */
  merge(key, record) {
    for (const [variant, bits] of Object.entries(record.variants ?? {})) {
      if (bits.exposed) this.mark(key, variant, 'exposed');
      if (bits.converted) this.mark(key, variant, 'converted');
    }
  }

  remove(key) {
    delete this.#records[key];
  }

  clear() {
    this.#records = {};
  }

  keys() {
    return Object.keys(this.#records);
  }

  /** A copy of every record, {experimentKey: record}. */
  toJSON() {
    return structuredClone(this.#records);
  }
}
