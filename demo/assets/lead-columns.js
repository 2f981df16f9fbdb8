// The lead-list page's column check: what the demo's evaluator reads (the
// config's attributes and the activity columns, lead-activity.js) against a
// file's header, with the package's suggestions for near matches
// (web/src/column-map.js: case, spacing, synonyms).
import { CsvParser } from '/web/src/csv.js';
import { compareColumns } from '/web/src/column-map.js';
import { ACTIVITY_COLUMNS } from './lead-activity.js';

// Export names of the demo's activity columns.
const ACTIVITY_SYNONYMS = {
  visits_30d: ['visits', 'sessions', 'visit count', 'visits last 30 days'],
  page_views_30d: ['page views', 'pageviews', 'views'],
  emails_opened_30d: ['email opens', 'emails opened', 'opens'],
  guide_downloads: ['downloads', 'guides downloaded'],
  webinars_attended: ['webinars'],
  orders_365d: ['orders', 'purchases'],
  spend_365d: ['spend', 'lifetime value', 'ltv'],
};

/** The file's header: its first CSV record (read from the first 64 KB). */
export async function readHeader(file) {
  const text = await file.slice(0, 64 * 1024).text();
  const parser = new CsvParser();
  const records = [...parser.push(text), ...(text.length < 64 * 1024 ? parser.end() : [])];
  const header = records.find((r) => !(r.length === 1 && r[0] === ''));
  if (!header) throw new Error('the file is empty: a CSV needs a header line');
  return header.map((h) => h.trim());
}

/**
 * @returns {{reads: string[], attributes: number, readAs: Record<string, string>,
 *            suggestions: Record<string, string>, hints: Record<string, string>}}
 */
export function checkColumns(config, header) {
  const metricIds = new Set((config.metrics ?? []).map((m) => m.id));
  const attributes = Object.keys(config.attributes ?? {}).filter((name) => !metricIds.has(name));
  const activity = ACTIVITY_COLUMNS.map(([name]) => name);
  const reads = [...attributes, ...activity];
  const out = compareColumns(reads, header, {}, ACTIVITY_SYNONYMS);
  const readAs = {};
  for (const column of out.used) readAs[column] = column;
  for (const [column, name] of Object.entries(out.suggestions)) readAs[column] = name;
  return { reads, attributes: attributes.length, readAs, suggestions: out.suggestions, hints: out.hints };
}
