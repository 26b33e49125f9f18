WITH agg_store_visits AS (
  SELECT
    customer_id,
    SUM(
      CASE
        WHEN visit_date > CAST(CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS DATE) - INTERVAL '7' DAY AS DATE)
        AND visit_date <= CAST(CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS DATE) - INTERVAL '1' DAY AS DATE)
        THEN 1
        ELSE 0
      END
    ) AS store_visit_count_7d_to1d
  FROM store_visits
  WHERE
    visit_date <= CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS DATE)
    AND visit_date > CAST(CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS DATE) - INTERVAL '7' DAY AS DATE)
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    COALESCE(agg_store_visits.store_visit_count_7d_to1d, 0) AS store_visit_count_7d_to1d
  FROM customers AS e
  LEFT JOIN agg_store_visits
    ON e.customer_id = agg_store_visits.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  store_visit_count_7d_to1d >= 1
