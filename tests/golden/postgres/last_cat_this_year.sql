WITH agg_tz_orders AS (
  SELECT
    person_id,
    MAX(
      CASE
        WHEN at >= CAST('2026-01-01 00:00:00' AS TIMESTAMP)
        AND at = buy_last_category_thisy_at
        THEN category
      END
    ) AS buy_last_category_thisy
  FROM (
    SELECT
      *,
      MAX(CASE WHEN at >= CAST('2026-01-01 00:00:00' AS TIMESTAMP) THEN at END) OVER (PARTITION BY person_id) AS buy_last_category_thisy_at
    FROM tz_orders
    WHERE
      at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
  ) AS ev_rows
  GROUP BY
    person_id
), base AS (
  SELECT
    e.person_id,
    agg_tz_orders.buy_last_category_thisy AS buy_last_category_thisy
  FROM tz_people AS e
  LEFT JOIN agg_tz_orders
    ON e.person_id = agg_tz_orders.person_id
)
SELECT
  person_id
FROM base
WHERE
  buy_last_category_thisy IN ('toys', 'Toys')
