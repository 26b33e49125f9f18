WITH agg_tz_orders AS (
  SELECT
    person_id,
    MIN(
      CASE
        WHEN NOT category IS NULL
        AND buy_most_frequent_category_cnt = buy_most_frequent_category_top
        THEN category
      END
    ) AS buy_most_frequent_category
  FROM (
    SELECT
      *,
      MAX(CASE WHEN NOT category IS NULL THEN buy_most_frequent_category_cnt END) OVER (PARTITION BY person_id) AS buy_most_frequent_category_top
    FROM (
      SELECT
        *,
        SUM(CASE WHEN NOT category IS NULL THEN 1 ELSE 0 END) OVER (PARTITION BY person_id, category) AS buy_most_frequent_category_cnt
      FROM tz_orders
      WHERE
        `at` <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
    ) AS ev_rows
  ) AS ev_ranked
  GROUP BY
    person_id
), base AS (
  SELECT
    e.person_id,
    agg_tz_orders.buy_most_frequent_category AS buy_most_frequent_category
  FROM tz_people AS e
  LEFT JOIN agg_tz_orders
    ON e.person_id = agg_tz_orders.person_id
)
SELECT
  person_id
FROM base
WHERE
  buy_most_frequent_category < 'a'
