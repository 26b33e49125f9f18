WITH agg_tz_orders AS (
  SELECT
    person_id,
    SUM(
      CASE
        WHEN at >= CAST('2026-06-29 00:00:00' AS TIMESTAMP)
        AND at < CAST('2026-06-30 00:00:00' AS TIMESTAMP)
        THEN 1
        ELSE 0
      END
    ) AS buy_count_prev1d
  FROM tz_orders
  WHERE
    at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
  GROUP BY
    person_id
), base AS (
  SELECT
    e.person_id,
    COALESCE(agg_tz_orders.buy_count_prev1d, 0) AS buy_count_prev1d
  FROM tz_people AS e
  LEFT JOIN agg_tz_orders
    ON e.person_id = agg_tz_orders.person_id
)
SELECT
  person_id
FROM base
WHERE
  buy_count_prev1d >= 2
