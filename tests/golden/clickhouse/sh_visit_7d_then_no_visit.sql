WITH visit_then_not_visit AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next IS NULL OR seq_next > seq_ts + INTERVAL '1' DAY
        )
        THEN 1
        ELSE 0
      END
    ) AS seq_hit
  FROM (
    SELECT
      seq_key,
      seq_ts,
      seq_tag,
      MIN(CASE WHEN seq_tag = 0 THEN seq_ts END) OVER (
        PARTITION BY seq_key
        ORDER BY seq_ts NULLS FIRST, seq_tag NULLS FIRST
        ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
      ) AS seq_next
    FROM (
      SELECT
        shopper_id AS seq_key,
        day AS seq_ts,
        0 AS seq_tag
      FROM shop_visits
      WHERE
        day <= CAST('2026-06-30' AS Nullable(DATE))
        AND day > CAST('2026-06-23' AS Nullable(DATE))
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        day AS seq_ts,
        1 AS seq_tag
      FROM shop_visits
      WHERE
        day <= CAST('2026-06-30' AS Nullable(DATE))
        AND day > CAST('2026-06-23' AS Nullable(DATE))
        AND day <= CAST('2026-06-29' AS Nullable(DATE))
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), base AS (
  SELECT
    e.shopper_id AS shopper_id,
    COALESCE(visit_then_not_visit.seq_hit, 0) AS visit_then_not_visit
  FROM shoppers AS e
  LEFT JOIN visit_then_not_visit
    ON e.shopper_id = visit_then_not_visit.seq_key
)
SELECT
  shopper_id
FROM base
WHERE
  visit_then_not_visit = 1
SETTINGS join_use_nulls = 1
