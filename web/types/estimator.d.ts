/**
 * De-biasing of randomized-response reports (`engine.report()` payloads),
 * for the server that collects them: `import { estimate } from 'leadseg/estimator'`.
 */

/**
 * A report payload as built by `engine.report()` (version 2): ONE item,
 * drawn at random, through a memoized two-stage channel whose whole cost is
 * `epsilon` (docs/privacy.md). Exactly one of `segment`, `score`,
 * `experiment` is present.
 */
export type ReportPayload = ReportPayloadV2 | ReportPayloadV1;

export interface ReportPayloadV2 {
  version: 2;
  /** memoized-oue for the score band, memoized-rr otherwise. */
  mechanism: 'memoized-rr' | 'memoized-oue';
  /** The privacy cost of the whole payload. */
  epsilon: number;
  /** One segment's membership bit. */
  segment?: { id: string; bit: 0 | 1 };
  /** The one-hot score band through optimized unary encoding. */
  score?: { bands: string[]; bits: Array<0 | 1> };
  /** One variant's [exposed, converted] bits. */
  experiment?: { key: string; variant: string; bits: [0 | 1, 0 | 1] };
}

/** Version 1 payloads (before docs/privacy.md): every bit randomized with ε independently. The estimator still reads them. */
export interface ReportPayloadV1 {
  /** Payload format version (1). */
  version: 1;
  mechanism: 'randomized-response';
  /** The ε every bit was randomized with. */
  epsilon: number;
  /** One bit per segment id: membership. */
  segments: { ids: string[]; bits: Array<0 | 1> };
  /** One-hot score band ("0-25", "25-50", ...), each bit randomized. */
  score: { bands: string[]; bits: Array<0 | 1> };
  /** Per experiment: one exposure bit and one conversion bit per variant. */
  experiments: Record<string, { variants: string[]; exposed: Array<0 | 1>; converted: Array<0 | 1> }>;
}

/** One de-biased share. */
export interface ShareEstimate {
  /** How many reports carried this bit. */
  n: number;
  /** Share of ones as received (biased towards 1/2); null when n is 0. */
  observed: number | null;
  /**
   * Estimated true share of visitors with the bit set: (observed - q) / (p - q)
   * with p = e^ε/(1+e^ε), q = 1 - p. Can fall slightly outside 0..1 by chance.
   */
  share: number | null;
  /** Standard error of `share` (95% interval: share ± 1.96 × stderr). */
  stderr: number | null;
}

export interface VariantEstimate {
  /** Share of reporting visitors exposed to this variant. */
  exposed: ShareEstimate;
  /** Share of reporting visitors exposed to this variant who converted, as a share of all reports. */
  converted: ShareEstimate;
  /** converted.share / exposed.share, or null when nothing was exposed. */
  conversionRate: number | null;
}

export interface Estimates {
  /** Reports used. */
  count: number;
  /** Malformed reports skipped. */
  rejected: number;
  segments: Record<string, ShareEstimate>;
  scoreBands: Record<string, ShareEstimate>;
  experiments: Record<string, Record<string, VariantEstimate>>;
}

/** Estimates segment shares, score band shares and experiment rates from a batch of reports. */
export function estimate(reports: Iterable<ReportPayload>): Estimates;

/** De-biases an observed share of ones for one ε: (observed - q) / (p - q). */
export function debias(observedShare: number, epsilon: number): number;

/** Probability that randomized response keeps a bit: e^ε / (1 + e^ε). */
export function keepProbability(epsilon: number): number;
