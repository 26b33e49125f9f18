WITH visit_then_visit AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next <= DATEADD(DAY, 2, seq_ts)
        )
        THEN 1
        ELSE 0
      END
    ) AS seq_hit
  FROM (
    SELECT
      seq_key AS seq_key,
      seq_ts AS seq_ts,
      seq_tag AS seq_tag,
      MIN(CASE WHEN seq_tag = 0 THEN seq_ts END) OVER (
        PARTITION BY seq_key
        ORDER BY seq_ts, seq_tag
        ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
      ) AS seq_next
    FROM (
      SELECT
        shopper_id AS seq_key,
        day AS seq_ts,
        0 AS seq_tag
      FROM shop_visits
      WHERE
        day <= CAST('2026-06-30' AS DATE)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        day AS seq_ts,
        1 AS seq_tag
      FROM shop_visits
      WHERE
        day <= CAST('2026-06-30' AS DATE)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), base AS (
  SELECT
    e.shopper_id,
    COALESCE(visit_then_visit.seq_hit, 0) AS visit_then_visit
  FROM shoppers AS e
  LEFT JOIN visit_then_visit
    ON e.shopper_id = visit_then_visit.seq_key
)
SELECT
  shopper_id
FROM base
WHERE
  visit_then_visit = 1
