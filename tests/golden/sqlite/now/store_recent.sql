WITH agg_store_visits AS (
  SELECT
    customer_id,
    MAX(visit_date) AS store_visit_last
  FROM store_visits
  WHERE
    visit_date <= CURRENT_DATE
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    agg_store_visits.store_visit_last AS store_visit_last
  FROM customers AS e
  LEFT JOIN agg_store_visits
    ON e.customer_id = agg_store_visits.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  store_visit_last > DATE(CURRENT_DATE, '-3 days')
