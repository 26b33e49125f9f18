WITH agg_tz_orders AS (
  SELECT
    person_id,
    SUM(
      CASE WHEN at >= CAST('2026-04-01 00:00:00' AS DateTime64(6, 'UTC')) THEN amount END
    ) AS buy_sum_amount_thisq
  FROM tz_orders
  WHERE
    at <= CAST('2026-06-30 00:00:00' AS DateTime64(6, 'UTC'))
  GROUP BY
    person_id
), base AS (
  SELECT
    e.person_id AS person_id,
    COALESCE(agg_tz_orders.buy_sum_amount_thisq, 0) AS buy_sum_amount_thisq
  FROM tz_people AS e
  LEFT JOIN agg_tz_orders
    ON e.person_id = agg_tz_orders.person_id
)
SELECT
  person_id
FROM base
WHERE
  buy_sum_amount_thisq >= 30
SETTINGS join_use_nulls = 1
