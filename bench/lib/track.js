// track() latency with 50 segments at 100, 1,000 and 10,000 stored events,
// shared by node (bench/node/run-node.mjs) and Chromium (bench/browser).
//
// The config: docs/examples/b2b-saas.json (its 15 metrics, 21 segments,
// scoring, grading, temperature, lifecycle and slots) plus 29 segments
// generated with a fixed seed from templates over the same metrics and
// attributes: 50 segments. retention.maxEvents is set to the history size,
// so every timed track() also prunes the oldest event (steady state).

export const TRACK_START = 1767225600000; // 2026-01-01T00:00:00Z
const DAY = 86400000;
export const TRACK_HISTORIES = [100, 1000, 10000];

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The 50-segment config: the worked example plus generated segments. */
export function trackConfig(example, segmentCount = 50, seed = 50) {
  const rnd = mulberry32(seed);
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = (list, n) => {
    const copy = [...list];
    const out = [];
    while (out.length < n && copy.length) out.push(copy.splice(Math.floor(rnd() * copy.length), 1)[0]);
    return out;
  };
  const titles = ['CTO', 'CEO', 'IT Manager', 'VP Marketing', 'Developer', 'Founder', 'Analyst', 'Head of Growth'];
  const industries = ['Technology', 'Finance', 'Healthcare', 'Retail', 'Education', 'Manufacturing'];
  const countries = ['US', 'DE', 'GB', 'FR', 'CA', 'NL', 'JP', 'AU', 'IN', 'BR'];
  const templates = [
    () => ({ page_views_30d: { $gte: int(2, 40) }, job_title: { $in: pick(titles, int(1, 4)) } }),
    () => ({ pricing_views_2d: { $gte: int(1, 4) }, company_size: { $gte: int(10, 2000) } }),
    () => ({ emails_opened_30d: { $gte: int(1, 8) }, newsletter_subscribed: true }),
    () => ({ visits_30d: { $gte: int(1, 10) }, days_since_visit: { $lte: int(1, 14) } }),
    () => ({ country: { $in: pick(countries, int(1, 5)) }, page_views_30d: { $gte: int(1, 20) } }),
    () => ({ $or: [{ guides_downloaded: { $gte: int(1, 5) } }, { demo_requests: { $gte: 1 } }] }),
    () => ({ cart_value: { $gte: int(5, 500) }, last_commerce_step: 'cart_add' }),
    () => ({ referral_source: { $regex: '^(google|bing|linkedin)' }, visits_30d: { $gte: int(1, 5) } }),
    () => ({ industry: { $in: pick(industries, int(1, 3)) }, annual_revenue: { $gte: int(1, 50) * 1e6 }, pricing_views_2d: { $gte: 1 } }),
    () => ({ age: { $gte: int(18, 40), $lte: int(41, 70) }, emails_opened_30d: { $gte: int(0, 3) } }),
  ];
  const config = JSON.parse(JSON.stringify(example));
  const segments = config.segments;
  for (let i = 0; segments.length < segmentCount; i++) {
    segments.push({
      id: `generated_${String(i).padStart(2, '0')}`,
      kind: 'behavioral',
      condition: templates[i % templates.length](),
    });
  }
  config.hygiene = { ...(config.hygiene ?? {}), maxSegments: segmentCount };
  return config;
}

export function withRetention(config, maxEvents) {
  return { ...config, retention: { ...(config.retention ?? {}), maxEvents } };
}

const TYPES = ['page_view', 'session_start', 'email_open', 'download', 'cart_add'];

/** Fills `history` events spread evenly over 30 days (as bench/workload_bench.cc does). */
export function fillHistory(track, history) {
  const span = 30 * DAY;
  for (let i = 0; i < history; i++) {
    track(TYPES[i % 5], { path: i % 3 ? '/blog/post' : '/pricing', category: 'guide', value: 10 }, TRACK_START + Math.floor((span * i) / history));
  }
  return TRACK_START + span;
}

/**
 * Times `samples` track('page_view', {path: '/pricing'}) calls, one second
 * apart, after `warmup` untimed ones. With batch > 1 each sample is the mean
 * of `batch` consecutive calls (for coarse clocks). Returns per-call
 * latencies in microseconds, sorted.
 */
export function timeTrack(track, startTs, { samples, warmup, batch = 1, now }) {
  let t = startTs;
  const props = { path: '/pricing' };
  for (let i = 0; i < warmup; i++) track('page_view', props, (t += 1000));
  const out = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    const t0 = now();
    for (let b = 0; b < batch; b++) track('page_view', props, (t += 1000));
    out[s] = ((now() - t0) * 1000) / batch;
  }
  return Array.from(out).sort((a, b) => a - b);
}

/**
 * Measures, for each history size: the core Engine's track (JSON props, as
 * the package passed them before the binary seam), its trackObject (props
 * as a value frame, as the package passes them now) and, when `createEngine` is given, the package's
 * engine.track() (consent storage off: no persistence). Returns
 * [{api, history, storedEvents, p50, p90, p99, mean, samples, batch}] in µs.
 */
export async function measureTrack({ core, createEngine, compileConfig, config50, histories = TRACK_HISTORIES, samples = 2000, warmup = 200, batch = 1, now }) {
  const out = [];
  const stats = (api, history, storedEvents, lat) => ({
    api,
    history,
    storedEvents,
    samples: lat.length,
    batch,
    p50: percentile(lat, 50),
    p90: percentile(lat, 90),
    p99: percentile(lat, 99),
    max: lat[lat.length - 1],
    mean: lat.reduce((a, b) => a + b, 0) / lat.length,
  });
  for (const history of histories) {
    const text = JSON.stringify(withRetention(config50, history));
    // The core engine (what the package wraps).
    const raw = new core.Engine();
    try {
      raw.load(text);
      raw.identify(JSON.stringify({ job_title: 'CTO', industry: 'Technology', company_size: 20, country: 'DE' }), TRACK_START);
      const track = (type, props, ts) => raw.track(type, JSON.stringify(props), ts);
      const start = fillHistory(track, history);
      const lat = timeTrack(track, start, { samples, warmup, batch, now });
      out.push(stats('core Engine.track', history, raw.eventCount(), lat));
    } finally {
      raw.delete();
    }
    // The same, props as a binary frame (what the package sends since the
    // binary seam); modules built before it have no trackObject.
    if (core.Engine.prototype.trackObject) {
      const rawFrame = new core.Engine();
      try {
        rawFrame.load(text);
        rawFrame.identify(JSON.stringify({ job_title: 'CTO', industry: 'Technology', company_size: 20, country: 'DE' }), TRACK_START);
        const track = (type, props, ts) => rawFrame.trackObject(type, props, ts);
        const start = fillHistory(track, history);
        const lat = timeTrack(track, start, { samples, warmup, batch, now });
        out.push(stats('core Engine.trackObject (frame)', history, rawFrame.eventCount(), lat));
      } finally {
        rawFrame.delete();
      }
    }
    // The package's engine.track(), on the JSON config passed with the
    // full module, then (the production path) on the config compiled ahead
    // of time, with which the package loads its runtime module.
    const packageTrack = async (api, engineConfig, options = {}) => {
      let clock = TRACK_START;
      const engine = await createEngine({ config: engineConfig, ...options, now: () => clock, consent: { personalization: true, measurement: true } });
      try {
        engine.identify({ job_title: 'CTO', industry: 'Technology', company_size: 20, country: 'DE' });
        const track = (type, props, ts) => {
          clock = ts;
          engine.track(type, props);
        };
        const start = fillHistory(track, history);
        const lat = timeTrack(track, start, { samples, warmup, batch, now });
        out.push(stats(api, history, history, lat));
      } finally {
        engine.destroy?.();
      }
    };
    if (createEngine) await packageTrack('package engine.track()', text, { module: core });
    if (createEngine && compileConfig) await packageTrack('package engine.track() (compiled config)', await compileConfig(text));
  }
  return out;
}

function percentile(sorted, p) {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}
