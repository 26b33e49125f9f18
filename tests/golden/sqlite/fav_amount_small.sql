WITH agg_tz_orders AS (
  SELECT
    person_id,
    MIN(
      CASE
        WHEN NOT amount IS NULL
        AND buy_most_frequent_amount_cnt = buy_most_frequent_amount_top
        THEN amount
      END
    ) AS buy_most_frequent_amount
  FROM (
    SELECT
      *,
      MAX(CASE WHEN NOT amount IS NULL THEN buy_most_frequent_amount_cnt END) OVER (PARTITION BY person_id) AS buy_most_frequent_amount_top
    FROM (
      SELECT
        *,
        SUM(CASE WHEN NOT amount IS NULL THEN 1 ELSE 0 END) OVER (PARTITION BY person_id, amount) AS buy_most_frequent_amount_cnt
      FROM tz_orders
      WHERE
        at <= DATETIME('2026-06-30 00:00:00')
    ) AS ev_rows
  ) AS ev_ranked
  GROUP BY
    person_id
), base AS (
  SELECT
    e.person_id,
    agg_tz_orders.buy_most_frequent_amount AS buy_most_frequent_amount
  FROM tz_people AS e
  LEFT JOIN agg_tz_orders
    ON e.person_id = agg_tz_orders.person_id
)
SELECT
  person_id
FROM base
WHERE
  buy_most_frequent_amount <= 10
