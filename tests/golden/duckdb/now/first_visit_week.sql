WITH agg_store_visits AS (
  SELECT
    customer_id,
    MIN(visit_date) AS store_visit_first
  FROM store_visits
  WHERE
    visit_date <= CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS DATE)
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    agg_store_visits.store_visit_first AS store_visit_first
  FROM customers AS e
  LEFT JOIN agg_store_visits
    ON e.customer_id = agg_store_visits.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  store_visit_first > CAST(CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS DATE) - INTERVAL '7' DAY AS DATE)
  AND store_visit_first <= CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS DATE)
