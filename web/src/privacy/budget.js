// A visitor's privacy budget over time. Every report sent spends its ε; a
// report that would take the last day's or the last 30 days' total past
// its limit is not built and not sent. Days are UTC days of the engine's
// now() (time is an input), so the budget is the same in every tab.
import { leadsegError } from '../errors.js';

export const DAY_MS = 86_400_000;
export const DEFAULT_BUDGET = Object.freeze({ perDay: 1, per30Days: 10 });

const EPSILON_SLACK = 1e-9; // 0.1 + 0.2 + ... must not refuse the report that spends exactly the limit

export function dayOf(time) {
  return Math.floor(time / DAY_MS);
}

/** Checks createEngine's `reportBudget` option and fills in the defaults. */
export function budgetLimits(option) {
  if (option === undefined) return { ...DEFAULT_BUDGET };
  if (option === null || typeof option !== 'object' || Array.isArray(option)) {
    throw leadsegError('createEngine: options.reportBudget must be an object {perDay, per30Days}');
  }
  const limits = { ...DEFAULT_BUDGET };
  for (const [key, value] of Object.entries(option)) {
    if (!(key in DEFAULT_BUDGET)) throw leadsegError(`createEngine: options.reportBudget: unknown key "${key}" (use perDay, per30Days)`, `/reportBudget/${key}`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw leadsegError(`createEngine: options.reportBudget.${key} must be a number ≥ 0`, `/reportBudget/${key}`);
    }
    limits[key] = value;
  }
  if (limits.perDay > limits.per30Days) throw leadsegError('createEngine: options.reportBudget.perDay is above per30Days', '/reportBudget/perDay');
  return limits;
}

/** Spends of the 30 days up to `day` (older ones dropped). `spends` is [[day, ε], ...]. */
export function recentSpends(spends, day) {
  return (Array.isArray(spends) ? spends : []).filter(
    (s) => Array.isArray(s) && Number.isInteger(s[0]) && Number.isFinite(s[1]) && s[1] >= 0 && s[0] > day - 30 && s[0] <= day,
  );
}

/** What is spent and left today and over the last 30 days. */
export function budgetLeft(spends, limits, time) {
  const day = dayOf(time);
  const recent = recentSpends(spends, day);
  const today = recent.filter((s) => s[0] === day).reduce((sum, s) => sum + s[1], 0);
  const month = recent.reduce((sum, s) => sum + s[1], 0);
  return {
    today: { spent: today, limit: limits.perDay, left: Math.max(0, limits.perDay - today) },
    last30Days: { spent: month, limit: limits.per30Days, left: Math.max(0, limits.per30Days - month) },
    nextDayAt: (day + 1) * DAY_MS,
  };
}

/**
 * Why a report of ε may not be sent now, or null. The refusal is the value
 * report() resolves to: {sent: false, reason, message, budget}.
 */
export function refusal(spends, limits, time, epsilon) {
  const budget = budgetLeft(spends, limits, time);
  if (epsilon > budget.today.left + EPSILON_SLACK) {
    return {
      sent: false,
      reason: 'daily-budget',
      message: `report: ε ${epsilon} is more than today's privacy budget left (${round(budget.today.left)} of ${limits.perDay}); nothing was sent`,
      budget,
    };
  }
  if (epsilon > budget.last30Days.left + EPSILON_SLACK) {
    return {
      sent: false,
      reason: '30-day-budget',
      message: `report: ε ${epsilon} is more than the last 30 days' privacy budget left (${round(budget.last30Days.left)} of ${limits.per30Days}); nothing was sent`,
      budget,
    };
  }
  return null;
}

function round(x) {
  return Math.round(x * 1000) / 1000;
}
