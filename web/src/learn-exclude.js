// Which lead columns discoverSegments() leaves out of the clustering by
// default (docs/predictive.md, "Segment discovery"): the outcome column
// (whether a lead converted is what segments are later scored against, so
// clustering on it would only rediscover it), columns the caller excludes,
// and identifier-like columns (a number per lead says nothing about which
// leads are alike). Text identifiers are already left out by addColumns
// (learn-input.js) for having too many distinct values.
import { describe, leadsegError } from './errors.js';

// Column names that, holding only yes/no values, are taken for an outcome
// when options.outcome is not given.
const OUTCOME_NAMES = /^(?:is_?)?(?:converted|conversion|won|closed_?won|outcome|purchased|churned|label|target)$/i;
// Column names that, holding a distinct integer per lead, are an identifier.
const ID_NAMES = /(?:^id$|_id$|[a-z]Id$|^uuid$|^key$)/;

const isMissing = (v) => v === undefined || v === null || v === '' || (typeof v === 'number' && Number.isNaN(v));
const YES_NO = new Set(['true', 'false', 'yes', 'no', 'y', 'n', '1', '0']);

function onlyYesNo(values) {
  let seen = 0;
  for (const v of values) {
    if (isMissing(v)) continue;
    if (v === true || v === false || v === 0 || v === 1) seen++;
    else if (typeof v === 'string' && YES_NO.has(v.trim().toLowerCase())) seen++;
    else return false;
  }
  return seen > 0;
}

function distinctIntegers(values) {
  const seen = new Set();
  for (const v of values) {
    if (isMissing(v)) continue;
    if (!Number.isInteger(v) || seen.has(v)) return false;
    seen.add(v);
  }
  return seen.size > 1;
}

/**
 * Checks options.outcome / options.exclude and returns {exclude, skipped}:
 * the columns not to cluster on, and why (for the result's `skipped`).
 * `present` is every column of the leads (`table`, learn-table.js);
 * `idColumn` is always excluded.
 */
export function discoveryExclusions(table, present, options, what) {
  const exclude = new Set([options.idColumn ?? 'email']);
  const skipped = [];
  const leaveOut = (column, reason) => {
    if (exclude.has(column)) return;
    exclude.add(column);
    if (present.has(column)) skipped.push({ column, reason });
  };
  if (options.outcome !== undefined) {
    if (typeof options.outcome !== 'string' || options.outcome === '') {
      throw leadsegError(`${what}: outcome must be a column name, got ${describe(options.outcome)}`, '/outcome');
    }
    leaveOut(options.outcome, 'the outcome column (options.outcome): clusters are found without it');
  }
  if (options.exclude !== undefined) {
    if (!Array.isArray(options.exclude) || options.exclude.some((c) => typeof c !== 'string')) {
      throw leadsegError(`${what}: exclude must be an array of column names, got ${describe(options.exclude)}`, '/exclude');
    }
    for (const column of options.exclude) leaveOut(column, 'excluded (options.exclude)');
  }
  // Inferred only when the caller named no columns to learn from.
  if (options.features === undefined) {
    for (const column of present) {
      if (exclude.has(column)) continue;
      if (options.outcome === undefined && OUTCOME_NAMES.test(column) && onlyYesNo(table.values(column))) {
        leaveOut(column, 'looks like an outcome column (yes/no values): pass outcome, or name it in features to cluster on it');
      } else if (ID_NAMES.test(column) && distinctIntegers(table.values(column))) {
        leaveOut(column, 'looks like an identifier (a distinct integer per lead): name it in features to cluster on it');
      }
    }
  }
  return { exclude, skipped };
}
