// The CSV for the batch benchmark, generated deterministically into
// build/bench/ (gitignored): each row is one of the workload's 10,000
// profiles picked with a fixed-seed PRNG (mulberry32, seed 20260101), in the
// workload's 24 columns; `interests` (an array) is written `a;b;c`, which
// both CSV pipelines split back into an array. The `id` column keeps the
// profile id (v_<k>), so the expected members per segment are known exactly:
// they are written beside the CSV (<name>.expected.json) and each pipeline's
// counts are checked against them.
import fs from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../lib/track.js';

export const CSV_SEED = 20260101;
const GENERATOR_VERSION = 1;

function field(v) {
  const s = Array.isArray(v) ? v.join(';') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Writes `rows` rows to `file` unless an identical one (same rows, seed and
 * generator version) is there. Returns {file, rows, bytes, expectedCounts, generated}.
 */
export function ensureCsv({ workload, file, rows }) {
  const { profiles, expected, segments } = workload;
  const metaFile = file.replace(/\.csv$/, '.expected.json');
  if (fs.existsSync(file) && fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
    if (meta.rows === rows && meta.seed === CSV_SEED && meta.version === GENERATOR_VERSION && meta.bytes === fs.statSync(file).size) {
      return { ...meta, file, generated: false };
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const columns = Object.keys(profiles[0]);
  const rnd = mulberry32(CSV_SEED);
  const counts = new Array(segments.length).fill(0);
  let members = 0;
  const fd = fs.openSync(file, 'w');
  try {
    let buf = columns.join(',') + '\n';
    for (let i = 0; i < rows; i++) {
      const k = Math.floor(rnd() * profiles.length);
      const p = profiles[k];
      buf += columns.map((c) => field(p[c])).join(',') + '\n';
      const bits = expected[k];
      for (let s = 0; s < bits.length; s++) {
        if (bits.charCodeAt(s) === 49) {
          counts[s]++;
          members++;
        }
      }
      if (buf.length > 1 << 22) {
        fs.writeSync(fd, buf);
        buf = '';
      }
    }
    fs.writeSync(fd, buf);
  } finally {
    fs.closeSync(fd);
  }
  const meta = {
    rows,
    seed: CSV_SEED,
    version: GENERATOR_VERSION,
    bytes: fs.statSync(file).size,
    columns,
    members,
    expectedCounts: Object.fromEntries(segments.map((s, i) => [s.id, counts[i]])),
  };
  fs.writeFileSync(metaFile, JSON.stringify(meta, null, 1));
  return { ...meta, file, generated: true };
}
