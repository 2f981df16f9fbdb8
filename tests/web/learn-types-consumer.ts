// Compiled by tests/web/learn-types.test.mjs (tsc --strict): the learning
// API's declarations as a consumer uses them.
import { discoverSegments, trainModel } from 'leadseg';
import type { DiscoveredSegments, JsonObject, PredictiveSection, TrainedModel } from 'leadseg';

export async function learn(config: JsonObject, csv: string): Promise<JsonObject> {
  const controller = new AbortController();
  const trained: TrainedModel = await trainModel(config, csv, {
    outcome: 'converted', folds: 5, C: 1, points: { scoring: 40 },
    onProgress: ({ stage, done, total }) => console.log(stage, done / total),
    signal: controller.signal,
    worker: true,
  });
  const section: PredictiveSection = trained.predictive;
  const auc: number = trained.metrics.auc;
  const firstWeight: string | undefined = trained.weights[0]?.text;
  const deciles: number[] = trained.metrics.calibration.map((bin) => bin.observed - bin.predicted);
  const found: DiscoveredSegments = await discoverSegments(config, csv, { kMax: 8, seed: 2, outcome: 'converted', exclude: ['lead_id'], worker: true, workerUrl: '/leadseg.browser-learn-worker.js' });
  const segments = found.clusters.map((c) => c.segment);
  console.log(auc, firstWeight, deciles, found.k, trained.roc.length);
  return { ...config, predictive: section as unknown as JsonObject, segments: [...(config.segments as JsonObject[] ?? []), ...segments] };
}
