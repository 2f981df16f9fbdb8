// "Predict and discover" (demo/predict.html): trainModel() and
// discoverSegments() of the package on a lead list held in this tab (the
// sample with outcomes, or a dropped CSV), their results drawn without a chart
// library, and the config to download with the model and the chosen
// segments. The page's HTML already holds the sample's numbers and the
// planted truth; this script fills in what the engine answers.
import * as leadseg from '/web/dist/leadseg.browser.js';
import { el, fmt, pct, clear } from './dom.js';
import { CLUSTER_FEATURES, OUTCOME_COLUMNS, OUTCOME_SEED, PLANTED_CLUSTERS, PLANTED_MODEL, outcomeLeads } from './predict-sample.js';
import { detectOutcome, featureRow, toLeads, withOutcome } from './predict-leads.js';
import { AS_OF } from './lead-activity.js';
import { calibrationSvg, rocSvg } from './predict-plots.js';
import { exportConfig, nearestPersona, personaProfiles, plantedVsRecovered, progressOf } from './predict-model.js';

const $ = (sel) => document.querySelector(sel);
const CONFIG_URL = '/config/b2b-saas.json';
const FOLDS = 5;
/** Weights listed before the rest are folded away. */
const TOP_WEIGHTS = 12;
/** Seed of the folds and of k-means++: the same list gives the same results. */
const SEED = 1;

let config = null;
/** The lead list in use: {label, header, records, sample, profiles?}. */
let source = null;
/** The latest training result and the segments added, for the export. */
let model = null;
let modelAdded = false;
const addedSegments = new Map();
let configUrl = null;
/** Each run's token: a cancelled or superseded run's answer is dropped. */
let trainRun = null;
let discoverRun = null;

function showError(id, error) {
  const box = $(id);
  if (!error) {
    box.hidden = true;
    box.textContent = '';
    return;
  }
  box.textContent = error instanceof Error ? error.message : String(error);
  box.hidden = false;
}

function setRunning(running) {
  for (const b of document.querySelectorAll('[data-disable-while-running]')) b.disabled = running;
  document.body.dataset.state = running ? 'running' : 'ready';
}

/** The package's learning functions, or an Error saying why they are not there. */
function learning(name) {
  if (typeof leadseg[name] !== 'function') {
    throw new Error(`this build of the leadseg package has no ${name}() (web/dist/leadseg.browser.js): rebuild it with bash scripts/build.sh wasm`);
  }
  return leadseg[name];
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const percent = (x) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '—');
const signed = (n, digits = 2) => (n > 0 ? '+' : n < 0 ? '−' : '') + Math.abs(n).toFixed(digits);

// ------------------------------------------------------------- the lead list

function sampleSource() {
  const leads = outcomeLeads();
  return {
    label: `the sample (${fmt(leads.length)} leads)`,
    header: OUTCOME_COLUMNS,
    records: leads.map((l) => l.row),
    sample: true,
    profiles: personaProfiles(leads, CLUSTER_FEATURES),
  };
}

async function fileSource(file) {
  const parser = new leadseg.CsvParser();
  const text = await file.text();
  const records = [...await parser.push(text), ...await parser.end()].filter((r) => !(r.length === 1 && r[0].trim() === ''));
  if (records.length < 2) throw new Error(`${file.name}: a CSV needs a header line and at least one lead`);
  const [header, ...rows] = records;
  return { label: `${file.name} (${fmt(rows.length)} leads)`, header: header.map((h) => h.trim()), records: rows, sample: false };
}

function useSource(next) {
  const { candidates, auto } = detectOutcome(next.header, next.records);
  if (!candidates.length) {
    throw new Error('no column of this file is a yes/no outcome (true/false, yes/no, 1/0 with both values present): add one, e.g. "converted"');
  }
  source = next;
  trainRun?.controller.abort();
  trainRun = null;
  discoverRun?.controller.abort();
  discoverRun = null;
  $('#source-label').textContent = next.label;
  // What of the file becomes features (the rest is ignored): say it before anything runs.
  const { attributes, activity } = toLeads(next.header, [], { config, typeValue: leadseg.typeValue });
  const ignored = next.header.filter((h) => !attributes.includes(h) && !activity.includes(h) && !candidates.some((c) => c.name === h));
  const metrics = (config.metrics ?? []).length;
  $('#source-columns').textContent = `Features: ${plural(attributes.length, 'attribute')} of the config${attributes.length ? ` (${attributes.join(', ')})` : ''} and ${plural(activity.length, 'activity column')}` +
    `${activity.length ? `, replayed into the config's ${metrics} metrics` : ' (so every metric is 0: see the lead-list page for the columns read)'}` +
    `${next.sample ? '' : `; ${plural(ignored.length, 'other column')} ignored${ignored.length ? ` (${ignored.slice(0, 6).join(', ')}${ignored.length > 6 ? ', …' : ''})` : ''}`}.`;
  const select = clear($('#outcome'));
  if (!auto) select.append(el('option', { value: '', selected: true, disabled: true }, 'Choose the outcome column…'));
  for (const c of candidates) {
    select.append(el('option', { value: c.name, selected: c.name === auto }, `${c.name} (${fmt(c.positives)} of ${fmt(c.labelled)} yes)`));
  }
  $('#truth').hidden = !next.sample;
  resetViews(next.sample);
}

/** The first paint's content of what a run fills in, kept to go back to when the list changes. */
const firstPaint = {};

function rememberFirstPaint() {
  for (const id of ['#roc-plot', '#calibration-plot', '#clusters', '#discover-meta']) firstPaint[id] = $(id).innerHTML;
}

function resetViews(sample) {
  for (const id of ['#kpi-auc', '#kpi-logloss', '#kpi-brier']) $(id).textContent = '—';
  for (const id of ['#roc-plot', '#calibration-plot']) $(id).innerHTML = firstPaint[id];
  clear($('#weights'));
  clear($('#weights-rest'));
  $('#weights-more').hidden = true;
  $('#weights-empty').hidden = false;
  for (const cell of document.querySelectorAll('#truth-rows .recovered')) cell.textContent = '—';
  if (sample) {
    $('#clusters').innerHTML = firstPaint['#clusters'];
    $('#discover-meta').innerHTML = firstPaint['#discover-meta'];
  } else {
    clear($('#clusters'));
    $('#discover-meta').textContent = 'Discover to see the clusters of this list, over every feature the config gives its leads.';
  }
  showError('#train-error', null);
  showError('#discover-error', null);
  addedSegments.clear();
  model = null;
  modelAdded = false;
  $('#add-model').disabled = true;
  $('#add-model').textContent = 'Add the model to the config';
  updateExport();
}

// ------------------------------------------------------------- features

/**
 * The list's feature rows: each lead's attributes and every metric of the
 * config after its activity is replayed as of AS_OF (segmentLeads with
 * metrics). The replay is most of the work, so it is done once per list and
 * Predict and Discover both learn from its rows.
 */
async function featureRows(onProgress, signal) {
  if (source.rows) return source.rows;
  const { leads } = toLeads(source.header, source.records, { config, typeValue: leadseg.typeValue });
  const total = leads.length;
  const { leads: results } = await leadseg.segmentLeads(config, leads, {
    metrics: true,
    now: AS_OF,
    signal,
    onProgress: ({ processed }) => onProgress({ stage: 'replaying activity', done: processed, total }),
  });
  const rows = results.map(featureRow);
  if (!signal.aborted) source.rows = rows;
  return rows;
}

// ------------------------------------------------------------- predict

async function train() {
  showError('#train-error', null);
  const outcome = $('#outcome').value;
  if (!outcome) {
    showError('#train-error', 'Choose the outcome column first.');
    return;
  }
  let trainModel;
  try {
    trainModel = learning('trainModel');
  } catch (error) {
    showError('#train-error', error);
    return;
  }
  const controller = new AbortController();
  const run = { controller };
  trainRun = run;
  setRunning(true);
  $('#train-progress').hidden = false;
  $('#train-bar').removeAttribute('value');
  $('#train-text').textContent = 'Preparing the leads…';
  try {
    const show = (p) => {
      if (trainRun !== run) return;
      const { fraction, text } = progressOf(p);
      if (fraction === null) $('#train-bar').removeAttribute('value');
      else $('#train-bar').value = fraction;
      $('#train-text').textContent = text;
    };
    const rows = withOutcome(await featureRows(show, controller.signal), source.header, source.records, outcome);
    // In a Web Worker: the page keeps drawing and the Cancel button answers at once.
    const result = await trainModel(config, rows, { outcome, folds: FOLDS, seed: SEED, signal: controller.signal, onProgress: show, worker: true });
    if (trainRun !== run) return;
    model = { result, rows: rows.length, unlabelled: source.records.length - rows.length, outcome };
    renderModel();
  } catch (error) {
    if (trainRun === run) showError('#train-error', controller.signal.aborted ? 'Training cancelled: the previous results are kept.' : error);
  } finally {
    if (trainRun === run) trainRun = null;
    $('#train-progress').hidden = true;
    setRunning(false);
  }
}

function renderModel() {
  const { result } = model;
  const m = result.metrics ?? {};
  $('#kpi-auc').textContent = Number.isFinite(m.auc) ? m.auc.toFixed(3) : '—';
  $('#kpi-logloss').textContent = Number.isFinite(m.logLoss) ? m.logLoss.toFixed(3) : '—';
  $('#kpi-brier').textContent = Number.isFinite(m.brier) ? m.brier.toFixed(3) : '—';
  $('#roc-plot').innerHTML = rocSvg(result.roc, { auc: m.auc });
  $('#calibration-plot').innerHTML = calibrationSvg(m.calibration);

  // The largest weights first; the long tail (every one-hot level) folded away.
  const weights = [...(result.weights ?? [])].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  const max = Math.max(1e-9, ...weights.map((w) => Math.abs(w.weight)));
  const top = clear($('#weights'));
  const rest = clear($('#weights-rest'));
  weights.forEach((w, i) => {
    const bar = el('span', { class: 'weight-bar', 'data-weight': w.weight.toFixed(3) });
    // Bar length through the CSSOM (no inline styles under the CSP).
    bar.style.setProperty('--w', String(Math.abs(w.weight) / max));
    (i < TOP_WEIGHTS ? top : rest).append(el('li', { class: w.weight >= 0 ? 'pos' : 'neg' }, el('span', { class: 'weight-text' }, w.text ?? w.feature), bar));
  });
  $('#weights-empty').hidden = weights.length > 0;
  $('#weights-more').hidden = weights.length <= TOP_WEIGHTS;
  $('#weights-more-label').textContent = `The other ${weights.length - TOP_WEIGHTS} features`;

  if (source.sample) {
    for (const row of plantedVsRecovered(PLANTED_MODEL, result.predictive)) {
      const cell = document.querySelector(`#truth-rows tr[data-label="${CSS.escape(row.label)}"] .recovered`);
      if (cell) cell.textContent = row.recovered === null ? 'not in the model' : signed(row.recovered, row.label === 'page_views_30d' ? 3 : 2);
    }
  }
  $('#add-model').disabled = !result.predictive;
  updateExport();
}

// ------------------------------------------------------------- discover

async function discover() {
  showError('#discover-error', null);
  let discoverSegments;
  try {
    discoverSegments = learning('discoverSegments');
  } catch (error) {
    showError('#discover-error', error);
    return;
  }
  const controller = new AbortController();
  const run = { controller };
  discoverRun = run;
  setRunning(true);
  $('#discover-progress').hidden = false;
  $('#discover-bar').removeAttribute('value');
  $('#discover-text').textContent = 'Preparing the leads…';
  const k = $('#k').value;
  try {
    const show = (p) => {
      if (discoverRun !== run) return;
      const { fraction, text } = progressOf(p);
      if (fraction === null) $('#discover-bar').removeAttribute('value');
      else $('#discover-bar').value = fraction;
      $('#discover-text').textContent = text;
    };
    // The rows hold the config's attributes and metrics only: no outcome column.
    const leads = await featureRows(show, controller.signal);
    const options = { seed: SEED, signal: controller.signal, onProgress: show, worker: true };
    if (k === 'auto') options.kMax = 10;
    else options.k = Number(k);
    if (source.sample) options.features = CLUSTER_FEATURES;
    const result = await discoverSegments(config, leads, options);
    if (discoverRun !== run) return;
    renderClusters(result, leads.length);
  } catch (error) {
    if (discoverRun === run) showError('#discover-error', controller.signal.aborted ? 'Discovery cancelled: the previous clusters are kept.' : error);
  } finally {
    if (discoverRun === run) discoverRun = null;
    $('#discover-progress').hidden = true;
    setRunning(false);
  }
}

function formatValue(v) {
  if (typeof v === 'number') return Math.abs(v) >= 100 ? fmt(Math.round(v)) : String(Math.round(v * 100) / 100);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function renderClusters(result, total) {
  const grid = clear($('#clusters'));
  const silhouette = Number.isFinite(result.silhouette) ? `, silhouette ${result.silhouette.toFixed(2)}` : '';
  $('#discover-meta').hidden = false;
  $('#discover-meta').textContent = `${result.k} clusters in ${fmt(total)} leads${silhouette} (1 is perfectly separated, 0 overlapping).`;
  const planted = source.sample ? source.profiles : null;
  for (const cluster of result.clusters ?? []) {
    const profile = el('dl', { class: 'profile' });
    const centroid = cluster.centroid && typeof cluster.centroid === 'object' && !Array.isArray(cluster.centroid) ? cluster.centroid : {};
    for (const [feature, value] of Object.entries(centroid)) profile.append(el('dt', {}, feature), el('dd', {}, formatValue(value)));
    let match = null;
    if (planted) {
      const near = nearestPersona(centroid, planted.personas, planted.spread);
      const persona = near && PLANTED_CLUSTERS.find((p) => p.id === near.id);
      if (persona) match = el('p', { class: 'fine planted-match' }, `Closest planted persona: ${persona.name} (${fmt(planted.sizes[persona.id])} leads)`);
    }
    const id = cluster.segment?.id ?? cluster.id;
    const button = el('button', { class: 'btn btn-ghost btn-sm add-segment', type: 'button', 'aria-pressed': addedSegments.has(id) ? 'true' : 'false' },
      addedSegments.has(id) ? 'Added ✓' : 'Add to config');
    button.disabled = !cluster.segment;
    button.addEventListener('click', () => {
      if (addedSegments.has(id)) addedSegments.delete(id);
      else addedSegments.set(id, cluster.segment);
      button.setAttribute('aria-pressed', addedSegments.has(id) ? 'true' : 'false');
      button.textContent = addedSegments.has(id) ? 'Added ✓' : 'Add to config';
      updateExport();
    });
    grid.append(el('article', { class: 'card cluster-card', 'data-cluster': String(cluster.id) },
      el('h3', {}, cluster.name ?? `Cluster ${cluster.id}`, ' ', el('span', { class: 'muted' }, `${fmt(cluster.size)} leads · ${pct(cluster.size, total)}`)),
      profile,
      el('h4', {}, 'Condition'),
      el('pre', { class: 'condition' }, JSON.stringify(cluster.condition, null, 1)),
      el('p', { class: 'fine' }, `Precision ${percent(cluster.precision)} · recall ${percent(cluster.recall)} of its condition against the cluster`),
      match,
      button));
  }
}

// ------------------------------------------------------------- export

function updateExport() {
  const predictive = modelAdded && model?.result.predictive ? model.result.predictive : null;
  const points = Number($('#model-points').value);
  const out = exportConfig(config, { predictive, segments: [...addedSegments.values()], points: Number.isFinite(points) ? points : undefined });
  const auc = model?.result.metrics?.auc;
  $('#export-model').textContent = predictive
    ? `The model "${predictive.id}" (${predictive.features.length} features, AUC ${Number.isFinite(auc) ? auc.toFixed(3) : '?'}, trained on ${fmt(model.rows)} leads) as the predictive section, adding up to ${out.predictive.scoring?.points ?? out.predictive.grading?.points} points.`
    : 'No model added yet.';
  $('#export-segments').textContent = addedSegments.size
    ? `Segments added: ${out.segments.slice(-addedSegments.size).map((s) => s.id).join(', ')}.`
    : 'No segments added yet.';
  if (configUrl) URL.revokeObjectURL(configUrl);
  configUrl = URL.createObjectURL(new Blob([JSON.stringify(out, null, 2) + '\n'], { type: 'application/json' }));
  $('#download-config').href = configUrl;
}

// ------------------------------------------------------------- start

function wireDropzone() {
  const zone = $('#dropzone');
  const take = async (file) => {
    showError('#source-error', null);
    try {
      useSource(await fileSource(file));
    } catch (error) {
      showError('#source-error', error);
    }
  };
  $('#file-input').addEventListener('change', (e) => {
    const file = e.target.files?.[0];
    if (file) take(file);
    e.target.value = '';
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    const file = e.dataTransfer?.files?.[0];
    if (file && document.body.dataset.state !== 'running') take(file);
  });
}

async function start() {
  const response = await fetch(CONFIG_URL);
  if (!response.ok) throw new Error(`could not load the config (${CONFIG_URL}: HTTP ${response.status})`);
  config = await response.json();
  $('#sample-seed').textContent = String(OUTCOME_SEED);
  rememberFirstPaint();
  useSource(sampleSource());
  // The sample's CSV is made here too, so the link works without the generated file.
  const csv = [OUTCOME_COLUMNS.join(','), ...source.records.map((r) => r.join(','))].join('\n') + '\n';
  $('#download-sample').href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));

  $('#use-sample').addEventListener('click', () => {
    showError('#source-error', null);
    useSource(sampleSource());
  });
  wireDropzone();
  $('#train').addEventListener('click', train);
  $('#train-cancel').addEventListener('click', () => trainRun?.controller.abort());
  $('#discover-run').addEventListener('click', discover);
  $('#discover-cancel').addEventListener('click', () => discoverRun?.controller.abort());
  $('#add-model').addEventListener('click', () => {
    modelAdded = !modelAdded;
    $('#add-model').textContent = modelAdded ? 'Remove the model from the config' : 'Add the model to the config';
    updateExport();
  });
  $('#model-points').addEventListener('input', updateExport);
  document.body.dataset.state = 'ready';
  document.body.dataset.ready = 'true';
}

start().catch((error) => {
  document.body.dataset.state = 'error';
  document.body.dataset.ready = 'false';
  showError('#source-error', error);
});
