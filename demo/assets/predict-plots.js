// The Predict view's two plots as inline SVG markup (no chart library): the
// ROC curve and the calibration plot (predicted vs observed rate per bin).
// Pure functions from numbers to text, so node tests check them on fixed
// inputs. Colours are SVG attributes, not style: the demo's CSP forbids
// inline styles. Axes are 0..1 on both plots.

const W = 320;
const H = 260;
const M = { left: 44, right: 12, top: 12, bottom: 40 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

const x = (v) => M.left + clamp01(v) * PW;
const y = (v) => M.top + (1 - clamp01(v)) * PH;
const r2 = (n) => Math.round(n * 100) / 100;

function clamp01(v) {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}

function escapeXml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Axes, grid at 0.2 steps, tick labels and axis titles. */
function frame(xTitle, yTitle) {
  let out = '';
  for (let i = 0; i <= 5; i++) {
    const t = i / 5;
    out += `<line class="grid" x1="${r2(x(t))}" y1="${y(0)}" x2="${r2(x(t))}" y2="${y(1)}" stroke="#e6e9f0"/>`;
    out += `<line class="grid" x1="${x(0)}" y1="${r2(y(t))}" x2="${x(1)}" y2="${r2(y(t))}" stroke="#e6e9f0"/>`;
    out += `<text x="${r2(x(t))}" y="${y(0) + 14}" text-anchor="middle" font-size="10" fill="#44506a">${t.toFixed(1)}</text>`;
    out += `<text x="${x(0) - 6}" y="${r2(y(t)) + 3}" text-anchor="end" font-size="10" fill="#44506a">${t.toFixed(1)}</text>`;
  }
  out += `<rect x="${x(0)}" y="${y(1)}" width="${PW}" height="${PH}" fill="none" stroke="#9aa4b8"/>`;
  out += `<text x="${x(0.5)}" y="${H - 6}" text-anchor="middle" font-size="11" fill="#44506a">${escapeXml(xTitle)}</text>`;
  out += `<text transform="translate(12 ${y(0.5)}) rotate(-90)" text-anchor="middle" font-size="11" fill="#44506a">${escapeXml(yTitle)}</text>`;
  out += `<line class="diagonal" x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#9aa4b8" stroke-dasharray="4 4"/>`;
  return out;
}

function svg(label, body) {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(label)}">` +
    `<title>${escapeXml(label)}</title>${body}</svg>`;
}

/** The path through points [[fx, fy], ...] in plot coordinates. */
export function pathOf(points) {
  return points.map(([px, py], i) => `${i ? 'L' : 'M'}${r2(x(px))} ${r2(y(py))}`).join(' ');
}

/**
 * ROC curve from [{fpr, tpr}, ...] or [[fpr, tpr], ...] (sorted by fpr;
 * (0,0) and (1,1) added when missing), with the diagonal of a coin flip.
 */
export function rocSvg(roc, { auc } = {}) {
  const points = (roc ?? []).map((p) => (Array.isArray(p) ? p : [p?.fpr, p?.tpr]))
    .filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  if (!points.length || points[0][0] !== 0 || points[0][1] !== 0) points.unshift([0, 0]);
  const lastPoint = points[points.length - 1];
  if (lastPoint[0] !== 1 || lastPoint[1] !== 1) points.push([1, 1]);
  const label = `ROC curve${Number.isFinite(auc) ? `, AUC ${auc.toFixed(3)}` : ''}`;
  let body = frame('False positive rate', 'True positive rate');
  body += `<path class="curve" d="${pathOf(points)}" fill="none" stroke="#3056d3" stroke-width="2"/>`;
  if (Number.isFinite(auc)) body += `<text x="${r2(x(0.95))}" y="${r2(y(0.06))}" text-anchor="end" font-size="12" fill="#1f3f9e">AUC ${auc.toFixed(3)}</text>`;
  return svg(label, body);
}

/**
 * Calibration plot from [{decile (or bin), predicted, observed, count}, ...]: a dot per
 * non-empty bin (area by count) joined by a line; perfect calibration is the
 * diagonal.
 */
export function calibrationSvg(calibration) {
  const bins = (calibration ?? []).filter((b) => b && b.count > 0 && Number.isFinite(b.predicted) && Number.isFinite(b.observed));
  const maxCount = Math.max(1, ...bins.map((b) => b.count));
  let body = frame('Predicted probability', 'Observed rate');
  if (bins.length > 1) {
    body += `<path class="curve" d="${pathOf(bins.map((b) => [b.predicted, b.observed]))}" fill="none" stroke="#13a384" stroke-width="1.5"/>`;
  }
  for (const b of bins) {
    const radius = r2(3 + 5 * Math.sqrt(b.count / maxCount));
    body += `<circle class="bin" cx="${r2(x(b.predicted))}" cy="${r2(y(b.observed))}" r="${radius}" fill="#13a384" fill-opacity="0.75">` +
      `<title>${b.decile !== undefined ? `decile ${escapeXml(b.decile)}` : `bin ${escapeXml(b.bin)}`}: predicted ${(b.predicted * 100).toFixed(1)}%, observed ${(b.observed * 100).toFixed(1)}% of ${b.count}</title></circle>`;
  }
  return svg(`Calibration: predicted against observed rate in ${bins.length} bins`, body);
}
