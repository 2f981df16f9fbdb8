// What the lead-list page draws and exports, from segmentLeads() results.
//
// segmentLeads()'s summary counts segments, grades, stages,
// temperatures, MQLs and SQLs; the page's other figures need one value per lead (the
// score histogram, grade x temperature, the lead cells, the RFM grid), so
// they are added up here from each lead as onLead() hands it over, with
// `metrics: true` for RFM (the config's rfm axes over its metrics, as the
// engine scores them). The same lead becomes a line of the segmented CSV.
// No imports: runs in the page's worker and in node tests.

/** Columns appended to each row of the segmented CSV. */
export const RESULT_COLUMNS = ['segments', 'score', 'grade', 'lead_cell', 'temperature', 'stage', 'rfm_cell', 'error'];

export const GRADES = ['A', 'B', 'C', 'D'];
export const TEMPERATURES = ['cold', 'warm', 'hot'];
export const SCORE_BIN_WIDTH = 5;
const SCORE_BINS = 100 / SCORE_BIN_WIDTH;

/** The figures segmentLeads()'s summary does not have, empty. */
export function createFigures() {
  const gradeTemp = {};
  for (const g of GRADES) gradeTemp[g] = Object.fromEntries(TEMPERATURES.map((t) => [t, 0]));
  return {
    scored: 0,
    scoreSum: 0,
    scoreBins: new Array(SCORE_BINS).fill(0),
    gradeTemp,
    leadCells: {},
    // RFM: recency x frequency (5 x 5, index (r-1)*5 + (f-1)): leads and the sum of their monetary scores.
    rfmCount: new Array(25).fill(0),
    rfmMonetary: new Array(25).fill(0),
  };
}

const bump = (table, key) => {
  if (key === null || key === undefined) return;
  table[key] = (table[key] ?? 0) + 1;
};

// RfmAxis::Score (src/config/config.cc): recency, lower is better
// (5 at or under the first bound); frequency and monetary, 2..5 from the
// bounds up; 1 without a value.
function rfmScore(value, bounds, lowerIsBetter) {
  if (typeof value !== 'number') return 1;
  if (lowerIsBetter) {
    for (let i = 0; i < 4; i++) if (value <= bounds[i]) return 5 - i;
    return 1;
  }
  for (let i = 3; i >= 0; i--) if (value >= bounds[i]) return i + 2;
  return 1;
}

/**
 * The page's per-lead reading of a config: lead cell (grade + engagement
 * band of the score, GradingSpec::Engagement) and RFM cell.
 */
export function leadReadings(config) {
  const engagement = config.grading?.engagement ?? null;
  const rfm = config.rfm ?? null;
  return {
    leadCell(lead) {
      if (!lead.grade || engagement === null) return null;
      const score = typeof lead.score === 'number' ? lead.score : 0;
      let band = 4;
      for (let i = 0; i < 3; i++) {
        if (score >= engagement[i]) {
          band = i + 1;
          break;
        }
      }
      return `${lead.grade}${band}`;
    },
    rfm(lead) {
      if (rfm === null || !lead.metrics) return null;
      const m = lead.metrics;
      const r = rfmScore(m[rfm.recency.metric], rfm.recency.bounds, true);
      const f = rfmScore(m[rfm.frequency.metric], rfm.frequency.bounds, false);
      const mo = rfmScore(m[rfm.monetary.metric], rfm.monetary.bounds, false);
      return { r, f, m: mo, cell: `${r}${f}${mo}` };
    },
  };
}

/** Adds one segmentLeads() lead (with its readings) to the figures. */
export function addLead(figures, lead, cell, rfm) {
  if (lead.error) return;
  if (typeof lead.score === 'number') {
    figures.scored += 1;
    figures.scoreSum += lead.score;
    figures.scoreBins[Math.min(SCORE_BINS - 1, Math.max(0, Math.floor(lead.score / SCORE_BIN_WIDTH)))] += 1;
  }
  if (lead.grade && lead.temperature) {
    figures.gradeTemp[lead.grade] ??= {};
    bump(figures.gradeTemp[lead.grade], lead.temperature);
  }
  bump(figures.leadCells, cell);
  if (rfm) {
    const i = (rfm.r - 1) * 5 + (rfm.f - 1);
    figures.rfmCount[i] += 1;
    figures.rfmMonetary[i] += rfm.m;
  }
}

/** A CSV field, quoted when needed (RFC 4180). */
export function csvField(text) {
  const s = text === null || text === undefined ? '' : String(text);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The header of the segmented CSV: the file's columns, then the results. */
export function outputHeader(header) {
  return [...header, ...RESULT_COLUMNS].map(csvField).join(',') + '\n';
}

/** One line of the segmented CSV: the row's fields as they were, then the lead's results. */
export function outputLine(record, width, lead, cell, rfm) {
  let line = '';
  for (let i = 0; i < width; i++) line += (i ? ',' : '') + csvField(record[i] ?? '');
  if (lead.error) return `${line},,,,,,,,${csvField(lead.error)}\n`;
  const score = typeof lead.score === 'number' ? String(Math.round(lead.score * 10) / 10) : '';
  return `${line},${lead.segments.join(';')},${score},${lead.grade ?? ''},${cell ?? ''},${lead.temperature ?? ''},${lead.stage ?? ''},${rfm?.cell ?? ''},\n`;
}

/** Adds figures `from` into `into`. */
export function mergeFigures(into, from) {
  into.scored += from.scored;
  into.scoreSum += from.scoreSum;
  from.scoreBins.forEach((n, i) => (into.scoreBins[i] += n));
  for (const [g, row] of Object.entries(from.gradeTemp)) {
    into.gradeTemp[g] ??= {};
    for (const [t, n] of Object.entries(row)) into.gradeTemp[g][t] = (into.gradeTemp[g][t] ?? 0) + n;
  }
  for (const [k, n] of Object.entries(from.leadCells)) into.leadCells[k] = (into.leadCells[k] ?? 0) + n;
  from.rfmCount.forEach((n, i) => (into.rfmCount[i] += n));
  from.rfmMonetary.forEach((n, i) => (into.rfmMonetary[i] += n));
  return into;
}

/** Adds segmentLeads() summary `from` into `into` (the counts the page draws). */
export function mergeSummary(into, from) {
  into.count += from.count;
  into.errors += from.errors;
  for (const key of ['segments', 'grades', 'stages', 'temperatures']) {
    into[key] ??= {};
    for (const [k, n] of Object.entries(from[key] ?? {})) into[key][k] = (into[key][k] ?? 0) + n;
  }
  into.mql = (into.mql ?? 0) + (from.mql ?? 0);
  into.sql = (into.sql ?? 0) + (from.sql ?? 0);
  return into;
}
