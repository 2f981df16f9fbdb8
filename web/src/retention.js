// Pruning the stored event log the way the core prunes its own, with the
// retention the core compiled (Engine.facts(), see compiled.js).

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
