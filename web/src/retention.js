// The config's retention section, read on the JavaScript side to prune the
// stored event log the way the core prunes its own.

const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "400d" -> ms; "all" or anything unreadable -> Infinity (the core validated the config). */
export function parseDuration(text) {
  const match = typeof text === 'string' && /^(\d+)(ms|s|m|h|d|w)$/.exec(text);
  return match ? Number(match[1]) * UNITS[match[2]] : Infinity;
}

/** {maxAge: ms | Infinity, maxEvents} with the core's defaults. */
export function readRetention(config) {
  const r = config?.retention ?? {};
  return {
    maxAge: r.maxAge === undefined ? Infinity : parseDuration(r.maxAge),
    maxEvents: Number.isSafeInteger(r.maxEvents) ? r.maxEvents : 10_000,
  };
}

/**
 * Ids to delete so that `log` (Map id -> ts) respects the retention at
 * `clock`: older than maxAge, and the oldest beyond maxEvents.
 */
export function expiredIds(log, retention, clock) {
  const victims = [];
  const kept = [];
  const cutoff = clock - retention.maxAge;
  for (const [id, ts] of log) {
    if (ts < cutoff) victims.push(id);
    else kept.push([id, ts]);
  }
  if (kept.length > retention.maxEvents) {
    kept.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
    for (let i = 0; i < kept.length - retention.maxEvents; i++) victims.push(kept[i][0]);
  }
  return victims;
}

/** The oldest `fraction` of `log` (at least one id). */
export function oldestIds(log, fraction) {
  const all = [...log].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  const n = Math.min(all.length, Math.max(1, Math.ceil(all.length * fraction)));
  return all.slice(0, n).map(([id]) => id);
}
