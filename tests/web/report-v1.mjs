// report() before docs/privacy.md (version-1 payloads), kept for the tests
// only: the estimator still reads these payloads, and the attack test
// (privacy-attack.test.mjs) measures what averaging them gave away. Copied
// from web/src/report.js as it was (every bit randomized independently with
// ε, so a payload of k bits cost up to kε and nothing limited repeats).
import { keepProbability } from '../../web/src/estimator.js';

export const REPORT_VERSION = 1;

/** Randomizes an array of 0/1 bits. */
export function randomizeBits(bits, epsilon, random) {
  const p = keepProbability(epsilon);
  return bits.map((bit) => (random() < p ? bit : 1 - bit));
}

/** The payload report() sends: the same shape with every bit randomized. */
export function randomizeReport(bits, epsilon, random) {
  const experiments = {};
  for (const [key, e] of Object.entries(bits.experiments)) {
    experiments[key] = {
      variants: e.variants,
      exposed: randomizeBits(e.exposed, epsilon, random),
      converted: randomizeBits(e.converted, epsilon, random),
    };
  }
  return {
    version: REPORT_VERSION,
    mechanism: 'randomized-response',
    epsilon,
    segments: { ids: bits.segments.ids, bits: randomizeBits(bits.segments.bits, epsilon, random) },
    score: { bands: bits.score.bands, bits: randomizeBits(bits.score.bits, epsilon, random) },
    experiments,
  };
}

