WITH agg_tz_orders AS (
  SELECT
    person_id,
    SUM(
      CASE
        WHEN (
          at >= CAST('2026-06-15 00:00:00' AS DATETIME2)
          AND at < CAST('2026-06-29 00:00:00' AS DATETIME2)
        )
        AND DATEPART(HOUR, at) = 0
        THEN 1
        ELSE 0
      END
    ) AS buy_count_prev2w_if
  FROM tz_orders
  WHERE
    at <= CAST('2026-06-30 00:00:00' AS DATETIME2)
  GROUP BY
    person_id
), base AS (
  SELECT
    e.person_id,
    COALESCE(agg_tz_orders.buy_count_prev2w_if, 0) AS buy_count_prev2w_if
  FROM tz_people AS e
  LEFT JOIN agg_tz_orders
    ON e.person_id = agg_tz_orders.person_id
)
SELECT
  person_id
FROM base
WHERE
  buy_count_prev2w_if >= 1
