WITH agg_tz_orders AS (
  SELECT
    person_id,
    SUM(CASE WHEN at >= CAST('2026-06-01 00:00:00' AS DATETIME2) THEN 1 ELSE 0 END) AS buy_count_thism
  FROM tz_orders
  WHERE
    at <= CAST('2026-06-30 00:00:00' AS DATETIME2)
  GROUP BY
    person_id
), base AS (
  SELECT
    e.person_id,
    COALESCE(agg_tz_orders.buy_count_thism, 0) AS buy_count_thism
  FROM tz_people AS e
  LEFT JOIN agg_tz_orders
    ON e.person_id = agg_tz_orders.person_id
)
SELECT
  person_id
FROM base
WHERE
  NOT buy_count_thism >= 1
