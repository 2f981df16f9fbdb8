// Compiled configs (docs/compiled-config.md) on the JavaScript side: what
// createEngine accepts as the production form of a config, and the facts
// the package reads from the core instead of from the config's JSON.

/** True for the bytes of a compiled config (a Uint8Array or an ArrayBuffer). */
export function isCompiledConfig(config) {
  return config instanceof Uint8Array || config instanceof ArrayBuffer;
}

/** A copy of the bytes as a Uint8Array (createEngine reads them after an await: the caller may reuse its buffer). */
export function compiledBytes(config) {
  return config instanceof ArrayBuffer ? new Uint8Array(config.slice(0)) : config.slice();
}

/**
 * The core's facts (Engine.facts(): segments, slots, experiments,
 * retention) in the shapes the engine uses: segment names and slot
 * defaults as Maps, retention with Infinity for "all".
 */
export function readFacts(facts) {
  return {
    segmentNames: new Map(facts.segments.map((s) => [s.id, s.name])),
    defaults: new Map(facts.slots.map((s) => [s.id, s.default])),
    experiments: facts.experiments,
    retention: { maxAge: facts.retention.maxAge ?? Infinity, maxEvents: facts.retention.maxEvents },
  };
}
