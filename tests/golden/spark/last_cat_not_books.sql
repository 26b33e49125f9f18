WITH agg_tz_orders AS (
  SELECT
    person_id,
    MAX(CASE WHEN at = buy_last_category_at THEN category END) AS buy_last_category
  FROM (
    SELECT
      *,
      MAX(at) OVER (PARTITION BY person_id) AS buy_last_category_at
    FROM tz_orders
    WHERE
      at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
  ) AS ev_rows
  GROUP BY
    person_id
), base AS (
  SELECT
    e.person_id,
    agg_tz_orders.buy_last_category AS buy_last_category
  FROM tz_people AS e
  LEFT JOIN agg_tz_orders
    ON e.person_id = agg_tz_orders.person_id
)
SELECT
  person_id
FROM base
WHERE
  NOT COALESCE(buy_last_category = 'books', FALSE)
