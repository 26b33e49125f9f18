WITH buy_then_not_buy AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next IS NULL OR seq_next > seq_ts + INTERVAL '2 DAY'
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
        person_id AS seq_key,
        at AS seq_ts,
        0 AS seq_tag
      FROM tz_orders
      WHERE
        at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
        AND at >= CAST('2026-06-15 00:00:00' AS TIMESTAMP)
      UNION ALL
      SELECT
        person_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM tz_orders
      WHERE
        at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
        AND (
          at >= CAST('2026-06-15 00:00:00' AS TIMESTAMP)
          AND at < CAST('2026-06-29 00:00:00' AS TIMESTAMP)
        )
        AND at <= CAST('2026-06-28 00:00:00' AS TIMESTAMP)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), base AS (
  SELECT
    e.person_id,
    COALESCE(buy_then_not_buy.seq_hit, 0) AS buy_then_not_buy
  FROM tz_people AS e
  LEFT JOIN buy_then_not_buy
    ON e.person_id = buy_then_not_buy.seq_key
)
SELECT
  person_id
FROM base
WHERE
  buy_then_not_buy = 1
