// The estimator as plain SQL over the one reports table, so that the query
// that runs on the collector's SQLite file runs as well on DuckDB (tested),
// ClickHouse or BigQuery (docs/privacy.md). Each stored bit x came through
// a channel with p1 = P(1 | true 1) and p0 = P(1 | true 0); z = (x - p0) /
// (p1 - p0) is unbiased for the true share, so a cell's share is AVG(z) and
// its standard error the sample standard deviation of z over √n.

/** One row per randomized bit a report carried. */
export const REPORTS_TABLE = `CREATE TABLE IF NOT EXISTS reports (
  report INTEGER NOT NULL,
  day    TEXT    NOT NULL,
  cell   TEXT    NOT NULL,
  bit    INTEGER NOT NULL CHECK (bit IN (0, 1)),
  p1     REAL    NOT NULL,
  p0     REAL    NOT NULL
)`;

/** Parameters: from day, to day ('YYYY-MM-DD', inclusive). */
export const ESTIMATES_SQL = `WITH z AS (
  SELECT cell, (bit - p0) / (p1 - p0) AS z
  FROM reports
  WHERE day >= ? AND day <= ?
),
s AS (
  SELECT cell,
         COUNT(*) AS n,
         AVG(z) AS share,
         (SUM(z * z) - COUNT(*) * AVG(z) * AVG(z)) / NULLIF(COUNT(*) - 1, 0) AS variance
  FROM z
  GROUP BY cell
)
SELECT cell,
       n,
       share,
       CASE WHEN variance > 0 THEN SQRT(variance / n) ELSE 0 END AS stderr
FROM s
ORDER BY cell`;

/** Reports received in the range (a report is one or more rows). */
export const REPORT_COUNT_SQL = `SELECT COUNT(DISTINCT report) AS reports FROM reports WHERE day >= ? AND day <= ?`;
