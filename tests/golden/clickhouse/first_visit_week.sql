WITH agg_store_visits AS (
  SELECT
    customer_id,
    MIN(visit_date) AS store_visit_first
  FROM store_visits
  WHERE
    visit_date <= CAST('2026-06-30' AS Nullable(DATE))
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id AS customer_id,
    agg_store_visits.store_visit_first AS store_visit_first
  FROM customers AS e
  LEFT JOIN agg_store_visits
    ON e.customer_id = agg_store_visits.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  store_visit_first > CAST('2026-06-23' AS Nullable(DATE))
  AND store_visit_first <= CAST('2026-06-30' AS Nullable(DATE))
SETTINGS join_use_nulls = 1
