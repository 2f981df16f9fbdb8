// The inspector's "Reports" section: what the next report would contain
// (randomized, as report() would send it), the privacy budget left, a
// button that sends a report to the demo server's collector (/collect), and
// the site-wide estimates the collector computes from every report it has
// received (/estimates), with their 95% intervals; cells with fewer than k
// reports are shown as suppressed, as the collector returns them.
import { el, clear, fmt } from './dom.js';

const COLLECT_URL = '/collect';
const ESTIMATES_URL = '/estimates';

function points(x) {
  return `${(x * 100).toFixed(1)}%`;
}

function describePayload(p) {
  if (!p) return '—';
  if (p.segment) return `segment ${p.segment.id}: bit ${p.segment.bit}`;
  if (p.score) return `score band (OUE): ${p.score.bands.map((b, i) => `${b}=${p.score.bits[i]}`).join(' ')}`;
  return `experiment ${p.experiment.key} / ${p.experiment.variant}: exposed ${p.experiment.bits[0]}, converted ${p.experiment.bits[1]}`;
}

/**
 * @param {{body: HTMLElement}} section  the inspector section to fill
 * @param {{config: object, log: (text: string, kind?: string) => void}} options
 */
export function createReportsPanel(section, { config, log }) {
  let engine = null;
  let estimates = null;
  let estimatesError = null;
  const segmentNames = new Map((config.segments ?? []).map((s) => [s.id, s.name ?? s.id]));

  const budgetLine = el('dl', { class: 'kv', id: 'insp-report-budget' });
  const preview = el('pre', { class: 'insp-report-preview', id: 'insp-report-preview' });
  const previewText = el('p', { class: 'insp-hint', id: 'insp-report-preview-text' });
  const result = el('p', { class: 'insp-hint', id: 'insp-report-result', 'aria-live': 'polite' });
  const sendButton = el('button', { type: 'button', class: 'btn btn-primary btn-sm', id: 'insp-report-send' }, 'Send a report');
  const refreshButton = el('button', { type: 'button', class: 'btn btn-ghost btn-sm', id: 'insp-estimates-refresh' }, 'Refresh');
  const siteWide = el('div', { class: 'insp-sitewide', id: 'insp-sitewide' });

  section.body.append(
    el('p', { class: 'insp-hint' }, 'A report carries one randomized item and costs ε from the visitor\'s budget (docs/privacy.md).'),
    budgetLine,
    el('h4', {}, 'Next report (randomized)'), previewText, preview,
    el('div', { class: 'insp-reset' }, sendButton), result,
    el('h4', {}, 'Site-wide (collector)'), el('div', { class: 'insp-reset' }, refreshButton), siteWide);

  sendButton.addEventListener('click', async () => {
    if (!engine) return;
    sendButton.disabled = true;
    try {
      const sent = await engine.report({ url: COLLECT_URL });
      if (sent === null) result.textContent = 'No measurement consent: nothing was built or sent.';
      else if (sent.sent === false) result.textContent = sent.message;
      else {
        result.textContent = `Sent: ${describePayload(sent)}.`;
        log(`Report sent (${describePayload(sent)})`, 'info');
      }
      await loadEstimates();
    } catch (error) {
      result.textContent = `Not sent: ${error.message}`;
    } finally {
      sendButton.disabled = false;
      render();
    }
  });
  refreshButton.addEventListener('click', () => loadEstimates().then(render));

  async function loadEstimates() {
    try {
      const response = await fetch(ESTIMATES_URL, { credentials: 'omit' });
      if (!response.ok) throw new Error(`the collector answered HTTP ${response.status}`);
      estimates = await response.json();
      estimatesError = null;
    } catch (error) {
      estimatesError = error;
    }
    renderSiteWide();
  }

  function renderBudget() {
    clear(budgetLine);
    const b = engine.reportBudget();
    budgetLine.append(
      el('dt', {}, 'Budget today'), el('dd', { 'data-left': String(b.today.left) }, `ε ${fmtEps(b.today.left)} left of ${fmtEps(b.today.limit)}`),
      el('dt', {}, 'Last 30 days'), el('dd', {}, `ε ${fmtEps(b.last30Days.left)} left of ${fmtEps(b.last30Days.limit)}`));
  }

  function renderPreview() {
    const next = engine.previewReport();
    if (next === null) {
      previewText.textContent = 'No measurement consent: report() sends nothing.';
      preview.textContent = '';
      preview.hidden = true;
      sendButton.disabled = true;
      return;
    }
    sendButton.disabled = false;
    if (next.refused) {
      previewText.textContent = next.refused.message;
      preview.textContent = '';
      preview.hidden = true;
      return;
    }
    previewText.textContent = describePayload(next.payload);
    preview.textContent = JSON.stringify(next.payload, null, 1);
    preview.hidden = false;
  }

  function cellRow(label, cell) {
    const value = cell.suppressed
      ? el('span', { class: 'muted' }, `suppressed (${fmt(cell.n)} < k)`)
      : `${points(cell.share)} (95% CI ${points(cell.ci95[0])} to ${points(cell.ci95[1])}, n ${fmt(cell.n)})`;
    return el('tr', { 'data-cell': label, 'data-suppressed': String(Boolean(cell.suppressed)) }, el('td', {}, label), el('td', { class: 'num' }, value));
  }

  function renderSiteWide() {
    clear(siteWide);
    if (estimatesError) {
      siteWide.append(el('p', { class: 'insp-error' }, `No estimates: ${estimatesError.message}`));
      return;
    }
    if (!estimates) {
      siteWide.append(el('p', { class: 'muted' }, 'Loading…'));
      return;
    }
    siteWide.dataset.reports = String(estimates.reports);
    siteWide.append(el('p', { class: 'insp-hint', id: 'insp-sitewide-count' },
      `${fmt(estimates.reports)} reports from ${estimates.from} to ${estimates.to}; cells with fewer than ${estimates.minReports} reports are suppressed.`));
    const body = el('tbody');
    for (const [id, cell] of Object.entries(estimates.segments)) body.append(cellRow(segmentNames.get(id) ?? id, cell));
    for (const [band, cell] of Object.entries(estimates.scoreBands)) body.append(cellRow(`score ${band}`, cell));
    siteWide.append(el('table', { class: 'mini-table' }, el('thead', {}, el('tr', {}, el('th', {}, 'share of visitors'), el('th', { class: 'num' }, 'estimate'))), body));
  }

  function render() {
    if (!engine) return;
    renderBudget();
    renderPreview();
    renderSiteWide();
  }

  return {
    attach(e) {
      engine = e;
      loadEstimates();
    },
    render,
  };
}

function fmtEps(x) {
  return String(Math.round(x * 100) / 100);
}
