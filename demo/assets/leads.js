// "Segment a lead list": drop a CSV (or use the built-in sample) and get
// each segment's size, the score distribution, grade x temperature, the RFM
// grid and the stage funnel, plus the segmented CSV to download. The work
// happens in a module worker (leads-worker.js, the package's segmentLeads()
// on batches of rows); this page only draws.
// Chart.js is loaded as a classic script (/vendor/chart.umd.min.js) before us.
import { ACTIVITY_COLUMNS } from './lead-activity.js';
import { GRADES, TEMPERATURES, SCORE_BIN_WIDTH } from './lead-results.js';
import { SAMPLE_SEED } from './lead-sample.js';
import { el, fmt, pct, clear } from './dom.js';
import { checkColumns, readHeader } from './lead-columns.js';

const Chart = globalThis.Chart;
const $ = (sel) => document.querySelector(sel);

const COLORS = {
  behavioral: '#3056d3',
  characteristic: '#13a384',
  cold: '#6b8fd6',
  warm: '#f0a23b',
  hot: '#e0513a',
  stage: ['#9fb3e8', '#6f8ee0', '#3f66d6', '#1f3f9e'],
  grid: '#e6e9f0',
  ink: '#44506a',
};

let config = null;
let worker = null;
let charts = [];
let downloadUrl = null;
let sampleUrl = null;
let running = false;

function setState(state) {
  document.body.dataset.state = state;
}

// Evaluation workers: one per spare core, but none on two cores or fewer:
// there the reading worker evaluates too. Reading and parsing are ~6% of a
// run's CPU (the evaluation worker 15.9 s, the reader 1.0 s for 250,000
// rows), so a second thread gains at most that, and its V8 heap (grown to
// its young generation's full size by the batches' allocations) and batch
// module cost ~70 MiB of the tab's peak (docs/performance.md, "the lead-list
// page's memory").
function workerCount() {
  const cores = navigator.hardwareConcurrency || 2;
  return cores <= 2 ? 0 : Math.min(8, cores - 1);
}

function newWorker() {
  return new Worker(new URL('./leads-worker.js', import.meta.url), { type: 'module', name: 'leadseg-leads' });
}

// ------------------------------------------------------------- columns

function renderColumnsHelp() {
  const attrs = $('#columns-attributes');
  clear(attrs);
  for (const [name, type] of Object.entries(config.attributes ?? {})) {
    attrs.append(el('tr', {}, el('td', {}, el('code', {}, name)), el('td', {}, type)));
  }
  const activity = $('#columns-activity');
  clear(activity);
  for (const [name, what] of ACTIVITY_COLUMNS) {
    activity.append(el('tr', {}, el('td', {}, el('code', {}, name)), el('td', {}, what)));
  }
}

// ------------------------------------------------------------- running

function startRun(source, label, columnMap = {}) {
  if (running) return;
  $('#columns-check').hidden = true;
  running = true;
  destroyCharts();
  $('#results').hidden = true;
  $('#progress-card').hidden = false;
  $('#progress-title').textContent = `Segmenting ${label}`;
  $('#progress').value = 0;
  $('#progress').removeAttribute('max');
  $('#progress-text').textContent = 'Starting…';
  $('#progress-detail').textContent = '';
  $('#run-error').hidden = true;
  for (const b of document.querySelectorAll('[data-disable-while-running]')) b.disabled = true;
  setState('running');

  worker = newWorker();
  const workers = workerCount();
  worker.onmessage = ({ data }) => {
    if (data.type === 'header') showHeader(data);
    else if (data.type === 'phase') $('#progress-text').textContent = data.text;
    else if (data.type === 'progress') showProgress(data);
    else if (data.type === 'done') finish(data, label);
    else if (data.type === 'error') fail(data.message);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    fail(event.message || 'the worker failed');
  };
  worker.postMessage({ type: 'start', source, workers, columnMap });
}

// Before a file runs: which columns the rules read, which the file has,
// which are ignored; near matches are proposed and the visitor confirms.
async function checkFile(file) {
  if (running) return;
  $('#run-error').hidden = true;
  $('#results').hidden = true;
  const header = await readHeader(file);
  const check = checkColumns(config, header);
  const rows = $('#columns-check-rows');
  clear(rows);
  for (const column of header) {
    const select = el('select', { 'aria-label': `Read "${column}" as`, 'data-column': column },
      el('option', { value: '' }, '— ignored —'),
      ...check.reads.map((name) => el('option', { value: name }, name)));
    select.value = check.readAs[column] ?? '';
    const note = check.suggestions[column] ? `suggested: ${check.suggestions[column]}` : check.hints[column] ?? '';
    rows.append(el('tr', { 'data-column': column, 'data-suggested': check.suggestions[column] ? 'true' : 'false' },
      el('td', {}, el('code', {}, column)), el('td', {}, select), el('td', { class: 'muted' }, note)));
  }
  const update = () => {
    const map = currentMap();
    const used = Object.values(map);
    const duplicate = used.find((name, i) => used.indexOf(name) !== i);
    const read = Object.keys(map).length;
    $('#columns-check-summary').textContent = `The rules read ${check.reads.length} columns (${check.attributes} attributes, ${check.reads.length - check.attributes} activity columns). ` +
      `This file has ${header.length}: ${read} will be read, ${header.length - read} ignored (passed through to the download).`;
    const missing = check.reads.filter((name) => !used.includes(name));
    $('#columns-check-missing').textContent = missing.length ? `Not in the file: ${missing.join(', ')}.` : '';
    const error = $('#columns-check-error');
    error.hidden = read > 0 && !duplicate;
    error.textContent = duplicate ? `Two columns are read as "${duplicate}": choose one.` :
      'None of the columns is read: every lead would score 0. Choose what each column means, or use a file with the columns listed under "Which columns are read?".';
    $('#columns-run').disabled = !error.hidden;
  };
  const currentMap = () => Object.fromEntries([...rows.querySelectorAll('select')].filter((s) => s.value).map((s) => [s.dataset.column, s.value]));
  rows.onchange = update;
  update();
  $('#columns-run').onclick = () => {
    const columnMap = Object.fromEntries(Object.entries(currentMap()).filter(([column, name]) => column !== name));
    startRun({ kind: 'file', file }, file.name, columnMap);
  };
  $('#columns-cancel').onclick = () => {
    $('#columns-check').hidden = true;
  };
  $('#columns-check').hidden = false;
  $('#columns-check').scrollIntoView({ block: 'nearest' });
}

function stopWorker() {
  worker?.terminate();
  worker = null;
  running = false;
  for (const b of document.querySelectorAll('[data-disable-while-running]')) b.disabled = false;
}

function showHeader({ attributes, activity, ignored }) {
  const parts = [`${attributes.length} attribute column${attributes.length === 1 ? '' : 's'}`, `${activity.length} activity`];
  if (ignored.length) parts.push(`${ignored.length} passed through (${ignored.slice(0, 4).join(', ')}${ignored.length > 4 ? '…' : ''})`);
  $('#progress-detail').textContent = `Columns: ${parts.join(' · ')}`;
}

function showProgress({ processed, total, bytes, totalBytes, elapsed }) {
  const bar = $('#progress');
  bar.max = 1;
  let fraction = null;
  if (total) fraction = processed / total;
  else if (totalBytes) fraction = bytes / totalBytes;
  if (fraction !== null) bar.value = Math.min(1, fraction);
  const rate = elapsed > 0 ? (processed / elapsed) * 1000 : 0;
  let text = `${fmt(processed)}${total ? ` of ${fmt(total)}` : ''} leads · ${fmt(Math.round(rate))} leads/s`;
  if (fraction && fraction > 0.02 && rate > 0) {
    const remaining = ((1 - fraction) / fraction) * elapsed;
    text += ` · about ${duration(remaining)} left`;
  }
  $('#progress-text').textContent = text;
}

function duration(ms) {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

function fail(message) {
  stopWorker();
  setState('error');
  $('#progress-card').hidden = true;
  const box = $('#run-error');
  box.hidden = false;
  $('#run-error-message').textContent = message;
}

function finish({ aggregate, blob, processed, elapsed, workers }, label) {
  stopWorker();
  $('#progress').value = 1;
  $('#progress-card').hidden = true;
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(blob);
  const link = $('#download');
  link.href = downloadUrl;
  link.download = `${label.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase() || 'leads'}-segmented.csv`;
  $('#download-size').textContent = blob.size >= 1e6 ? `${(blob.size / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(blob.size / 1e3))} kB`;
  $('#results').hidden = false;
  $('#results-title').textContent = `${fmt(processed)} leads from ${label}`;
  $('#results-meta').textContent =
    `${duration(elapsed)} · ${fmt(Math.round((processed / elapsed) * 1000))} leads/s · ${workers === 0 ? 'read and evaluated in one worker' : `${workers} evaluation worker${workers === 1 ? '' : 's'}`}`;
  renderResults(aggregate);
  setState('done');
  $('#results').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

// ------------------------------------------------------------- results

function destroyCharts() {
  for (const c of charts) c.destroy();
  charts = [];
}

function baseOptions(extra = {}) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: { duration: 350 },
    plugins: { legend: { display: false } },
    ...extra,
  };
}

function kpi(id, value) {
  $(id).textContent = value;
}

function renderResults(agg) {
  const n = agg.count;
  const hot = GRADES.reduce((sum, g) => sum + (agg.gradeTemp[g]?.hot ?? 0), 0);
  kpi('#kpi-leads', fmt(n));
  kpi('#kpi-score', agg.scored ? (agg.scoreSum / agg.scored).toFixed(1) : '—');
  kpi('#kpi-mql', fmt(agg.mql ?? 0));
  kpi('#kpi-sql', fmt(agg.sql ?? 0));
  kpi('#kpi-customers', fmt(agg.stages.customer ?? 0));
  kpi('#kpi-hot', fmt(hot));
  kpi('#kpi-ready', fmt(agg.segments.sales_ready ?? 0));
  kpi('#kpi-errors', fmt(agg.errors));
  $('#kpi-errors').closest('.kpi').classList.toggle('kpi-bad', agg.errors > 0);

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = COLORS.ink;
  Chart.defaults.borderColor = COLORS.grid;

  renderSegments(agg);
  renderScores(agg);
  renderLeadCells(agg);
  renderGradeTemperature(agg);
  renderRfm(agg);
  renderFunnel(agg);
}

function renderSegments(agg) {
  const segments = config.segments ?? [];
  const table = $('#segment-table tbody');
  clear(table);
  for (const s of segments) {
    const count = agg.segments[s.id] ?? 0;
    table.append(el('tr', { 'data-segment': s.id },
      el('td', {}, el('span', { class: `kind-dot kind-${s.kind ?? 'behavioral'}` }), s.name ?? s.id),
      el('td', { class: 'num count' }, fmt(count)),
      el('td', { class: 'num' }, pct(count, agg.count))));
  }
  charts.push(new Chart($('#chart-segments'), {
    type: 'bar',
    data: {
      labels: segments.map((s) => s.name ?? s.id),
      datasets: [{
        label: 'Leads',
        data: segments.map((s) => agg.segments[s.id] ?? 0),
        backgroundColor: segments.map((s) => COLORS[s.kind] ?? COLORS.behavioral),
        borderRadius: 3,
        maxBarThickness: 18,
      }],
    },
    options: baseOptions({
      indexAxis: 'y',
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false, font: { size: 11 } } } },
    }),
  }));
}

function renderScores(agg) {
  const warm = config.temperature?.warm ?? Infinity;
  const hot = config.temperature?.hot ?? Infinity;
  const labels = agg.scoreBins.map((_, i) => `${i * SCORE_BIN_WIDTH}–${(i + 1) * SCORE_BIN_WIDTH}`);
  const colors = agg.scoreBins.map((_, i) => {
    const lo = i * SCORE_BIN_WIDTH;
    return lo >= hot ? COLORS.hot : lo >= warm ? COLORS.warm : COLORS.cold;
  });
  charts.push(new Chart($('#chart-scores'), {
    type: 'bar',
    data: { labels, datasets: [{ label: 'Leads', data: agg.scoreBins, backgroundColor: colors, barPercentage: 1, categoryPercentage: 0.92 }] },
    options: baseOptions({
      scales: {
        x: { title: { display: true, text: 'Score' }, ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 8 } },
        y: {
          type: 'logarithmic',
          min: 0.8,
          title: { display: true, text: 'Leads (log scale)' },
          afterBuildTicks: (axis) => {
            axis.ticks = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000].filter((v) => v <= axis.max * 1.0001).map((value) => ({ value }));
          },
          ticks: { callback: (value) => fmt(value) },
        },
      },
    }),
  }));
}

function renderLeadCells(agg) {
  const body = $('#lead-cell-table tbody');
  clear(body);
  const ready = new Set(['A1', 'A2', 'B1']);
  let max = 1;
  for (const n of Object.values(agg.leadCells)) max = Math.max(max, n);
  for (const g of GRADES) {
    const row = el('tr', {}, el('th', { scope: 'row' }, g));
    for (const e of [1, 2, 3, 4]) {
      const cell = `${g}${e}`;
      const v = agg.leadCells[cell] ?? 0;
      const td = el('td', { class: `num heat heat-cell${ready.has(cell) ? ' is-ready' : ''}`, 'data-cell': cell, title: cell }, fmt(v));
      td.style.setProperty('--heat', String(Math.sqrt(v / max)));
      row.append(td);
    }
    body.append(row);
  }
}

function renderGradeTemperature(agg) {
  charts.push(new Chart($('#chart-grade-temp'), {
    type: 'bar',
    data: {
      labels: GRADES.map((g) => `Grade ${g}`),
      datasets: TEMPERATURES.map((t) => ({
        label: t,
        data: GRADES.map((g) => agg.gradeTemp[g]?.[t] ?? 0),
        backgroundColor: COLORS[t],
        borderRadius: 2,
      })),
    },
    options: baseOptions({
      plugins: { legend: { display: true, position: 'bottom' } },
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
    }),
  }));
  const body = $('#grade-temp-table tbody');
  clear(body);
  let max = 1;
  for (const g of GRADES) for (const t of TEMPERATURES) max = Math.max(max, agg.gradeTemp[g]?.[t] ?? 0);
  for (const g of GRADES) {
    const row = el('tr', {}, el('th', { scope: 'row' }, g));
    for (const t of TEMPERATURES) {
      const v = agg.gradeTemp[g]?.[t] ?? 0;
      const cell = el('td', { class: `num heat heat-${t}`, 'data-cell': `${g}-${t}` }, fmt(v));
      cell.style.setProperty('--heat', String(Math.sqrt(v / max)));
      row.append(cell);
    }
    body.append(row);
  }
}

const integerTicks = (from, to) => (axis) => {
  axis.ticks = Array.from({ length: to - from + 1 }, (_, i) => ({ value: from + i }));
};

function renderRfm(agg) {
  const points = [];
  let buyers = 0;
  let max = 1;
  for (let r = 1; r <= 5; r++) {
    for (let f = 2; f <= 5; f++) {
      const n = agg.rfmCount[(r - 1) * 5 + (f - 1)];
      buyers += n;
      max = Math.max(max, n);
    }
  }
  for (let r = 1; r <= 5; r++) {
    for (let f = 2; f <= 5; f++) {
      const i = (r - 1) * 5 + (f - 1);
      const n = agg.rfmCount[i];
      if (!n) continue;
      points.push({ x: r, y: f, r: 4 + 22 * Math.sqrt(n / max), n, m: agg.rfmMonetary[i] / n });
    }
  }
  const noPurchase = agg.rfmCount.slice(0, 25).filter((_, i) => i % 5 === 0).reduce((a, b) => a + b, 0);
  $('#rfm-note').textContent = `${fmt(buyers)} leads with purchases; ${fmt(noPurchase)} without (frequency 1) are not drawn. Bubble area: leads; colour: average monetary score.`;
  charts.push(new Chart($('#chart-rfm'), {
    type: 'bubble',
    data: {
      datasets: [{
        label: 'Leads',
        data: points,
        backgroundColor: points.map((p) => `rgba(48, 86, 211, ${(0.15 + 0.17 * p.m).toFixed(2)})`),
        borderColor: '#3056d3',
        borderWidth: 1,
      }],
    },
    options: baseOptions({
      scales: {
        x: { min: 0.5, max: 5.5, afterBuildTicks: integerTicks(1, 5), title: { display: true, text: 'Recency score (5 = bought lately)' } },
        y: { min: 1.5, max: 5.5, afterBuildTicks: integerTicks(2, 5), title: { display: true, text: 'Frequency score (purchases)' } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (ctx) => {
              const p = ctx.raw;
              return `R${p.x} F${p.y}: ${fmt(p.n)} leads, average M ${p.m.toFixed(1)}`;
            },
          },
        },
      },
    }),
  }));
}

function renderFunnel(agg) {
  const stages = (config.lifecycle?.stages ?? []).map((s) => s.id);
  // Stages only move forward: a lead in "decision" went through the earlier ones.
  const reached = stages.map((_, i) => stages.slice(i).reduce((sum, id) => sum + (agg.stages[id] ?? 0), 0));
  const body = $('#funnel-table tbody');
  clear(body);
  stages.forEach((id, i) => {
    body.append(el('tr', { 'data-stage': id },
      el('td', {}, id),
      el('td', { class: 'num' }, fmt(agg.stages[id] ?? 0)),
      el('td', { class: 'num' }, fmt(reached[i])),
      el('td', { class: 'num' }, pct(reached[i], agg.count))));
  });
  charts.push(new Chart($('#chart-funnel'), {
    type: 'bar',
    data: {
      labels: stages.map((id) => id[0].toUpperCase() + id.slice(1)),
      datasets: [{ label: 'Reached', data: reached, backgroundColor: COLORS.stage, borderRadius: 3 }],
    },
    options: baseOptions({ indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }),
  }));
}

// ------------------------------------------------------------- inputs

function bindInputs() {
  const input = $('#file-input');
  const zone = $('#dropzone');
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) checkFile(file).catch((error) => fail(error.message));
    input.value = '';
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const file = event.dataTransfer?.files?.[0];
    if (file) checkFile(file).catch((error) => fail(error.message));
  });
  $('#run-sample').addEventListener('click', () => {
    const count = Number($('#sample-size').value);
    startRun({ kind: 'sample', count }, `the ${fmt(count)}-lead sample`);
  });
  $('#cancel').addEventListener('click', () => {
    stopWorker();
    $('#progress-card').hidden = true;
    setState('cancelled');
  });
  $('#download-sample').addEventListener('click', () => {
    const count = Number($('#sample-size').value);
    const button = $('#download-sample');
    button.disabled = true;
    button.textContent = 'Generating…';
    const w = newWorker();
    w.onmessage = ({ data }) => {
      w.terminate();
      button.disabled = false;
      button.textContent = 'Download the sample CSV';
      if (data.type !== 'sample-csv') {
        fail(data.message ?? 'could not generate the sample');
        return;
      }
      if (sampleUrl) URL.revokeObjectURL(sampleUrl);
      sampleUrl = URL.createObjectURL(data.blob);
      const a = el('a', { href: sampleUrl, download: `northwind-sample-${data.count}.csv`, class: 'visually-hidden' });
      document.body.append(a);
      a.click();
      a.remove();
    };
    w.postMessage({ type: 'sample-csv', count });
  });
}

async function main() {
  $('#sample-seed').textContent = String(SAMPLE_SEED);
  try {
    if (typeof Chart !== 'function') throw new Error('Chart.js did not load (/vendor/chart.umd.min.js)');
    config = await (await fetch('/config/b2b-saas.json')).json();
    renderColumnsHelp();
    bindInputs();
    setState('idle');
    document.body.dataset.ready = 'true';
  } catch (error) {
    fail(error.message);
    document.body.dataset.ready = 'error';
  }
}

main();
