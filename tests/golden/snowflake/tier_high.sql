WITH agg_tz_orders AS (
  SELECT
    person_id,
    SUM(amount) AS buy_sum_amount
  FROM tz_orders
  WHERE
    at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
  GROUP BY
    person_id
), base AS (
  SELECT
    e.person_id,
    COALESCE(agg_tz_orders.buy_sum_amount, 0) AS buy_sum_amount
  FROM tz_people AS e
  LEFT JOIN agg_tz_orders
    ON e.person_id = agg_tz_orders.person_id
)
SELECT
  person_id
FROM base
WHERE
  buy_sum_amount >= 300
