// What a predictive model adds to engine.track(), shared by node
// (bench/node/predictive-cost.mjs) and Chromium (bench/browser/
// predictive-cost.js): three engines of the package's API on the track()
// benchmark's config with `history` stored events, without the model, with
// it at 0 points (evaluated in full, nothing downstream changes) and as
// exported, taking turns one batch of calls each so a busy neighbour slows
// all three alike. `clockUs()` is the clock batches are timed with (node:
// the process's CPU time; a page: performance.now()). Returns per-call
// times (µs) per batch for each engine, and the JS peer's per-call time: the
// same model as a plain function over an attribute object.
import { TRACK_START, fillHistory } from './track.js';

export async function measurePredictiveCost({ createEngine, module, configs, model, history, batches, perBatch, clockUs }) {
  const engines = {};
  for (const [name, config] of Object.entries(configs)) {
    let clock = TRACK_START;
    const options = { config, now: () => clock, consent: { personalization: true, measurement: true } };
    if (module) options.module = module;
    const engine = await createEngine(options);
    engine.identify({ job_title: 'CTO', industry: 'Technology', company_size: 20, country: 'DE' });
    const track = (type, props, ts) => {
      clock = ts;
      engine.track(type, props);
    };
    const t = fillHistory(track, history);
    engines[name] = { engine, track, t, times: [] };
  }
  const props = { path: '/pricing' };
  const names = Object.keys(engines);
  for (let b = 0; b < batches + 20; b++) {
    // Rotate who goes first, so no engine always follows the same one.
    for (let k = 0; k < names.length; k++) {
      const e = engines[names[(b + k) % names.length]];
      const t0 = clockUs();
      for (let i = 0; i < perBatch; i++) e.track('page_view', props, (e.t += 1000));
      if (b >= 20) e.times.push((clockUs() - t0) / perBatch); // the first 20 batches warm up
    }
  }
  for (const { engine } of Object.values(engines)) engine.destroy();

  // The JS peer: the model's formula over a plain object, paths split once
  // (as a careful hand-written scorer would).
  const peerFeatures = model.features.map((f) => ({ ...f, path: f.attribute.split('.'), mean: f.mean ?? 0, scale: f.scale ?? 1 }));
  function jsScore(intercept, features, attrs) {
    let sum = intercept;
    for (const f of features) {
      let v = attrs;
      for (const k of f.path) v = v == null ? undefined : v[k];
      if ('equals' in f) sum += v === f.equals || (Array.isArray(v) && v.includes(f.equals)) ? f.weight : 0;
      else if (f.missing) sum += v == null ? f.weight : 0;
      else if (typeof v === 'number' || typeof v === 'boolean') sum += (f.weight * (Number(v) - f.mean)) / f.scale;
    }
    return 1 / (1 + Math.exp(-sum));
  }
  const attrs = {
    job_title: 'CTO', industry: 'Technology', company_size: 20, country: 'DE', pricing_views_2d: 2, page_views_30d: 12,
    emails_opened_30d: 1, guides_downloaded: 3, visits_30d: 4, days_since_visit: 0.5, demo_requests: 0,
    declared: { interests: ['security'] },
  };
  let sink = 0;
  for (let i = 0; i < 20000; i++) sink += jsScore(model.intercept, peerFeatures, attrs);
  const jsTimes = [];
  for (let r = 0; r < 15; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 20000; i++) sink += jsScore(model.intercept, peerFeatures, attrs);
    jsTimes.push(((performance.now() - t0) * 1000) / 20000);
  }
  return {
    times: Object.fromEntries(names.map((name) => [name, engines[name].times])),
    jsPeer: [...jsTimes].sort((a, b) => a - b)[jsTimes.length >> 1],
    sink,
  };
}
