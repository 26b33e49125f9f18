WITH agg_tz_orders AS (
  SELECT
    person_id,
    MAX(CASE WHEN at = buy_first_amount_at THEN amount END) AS buy_first_amount
  FROM (
    SELECT
      *,
      MIN(at) OVER (PARTITION BY person_id) AS buy_first_amount_at
    FROM tz_orders
    WHERE
      at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
  ) AS ev_rows
  GROUP BY
    person_id
), base AS (
  SELECT
    e.person_id,
    agg_tz_orders.buy_first_amount AS buy_first_amount
  FROM tz_people AS e
  LEFT JOIN agg_tz_orders
    ON e.person_id = agg_tz_orders.person_id
)
SELECT
  person_id
FROM base
WHERE
  NOT buy_first_amount IS NULL
