WITH agg_orders AS (
  SELECT
    customer_id,
    SUM(CASE WHEN ordered_at > DATETIME(CURRENT_TIMESTAMP, '-365 days') THEN amount END) AS purchase_sum_amount_365d,
    SUM(CASE WHEN ordered_at > DATETIME(CURRENT_TIMESTAMP, '-90 days') THEN 1 ELSE 0 END) AS purchase_count_90d
  FROM orders
  WHERE
    ordered_at <= CURRENT_TIMESTAMP
    AND ordered_at > DATETIME(CURRENT_TIMESTAMP, '-365 days')
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    COALESCE(agg_orders.purchase_sum_amount_365d, 0) AS purchase_sum_amount_365d,
    COALESCE(agg_orders.purchase_count_90d, 0) AS purchase_count_90d
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
), ranked AS (
  SELECT
    *,
    CAST(purchase_sum_amount_365d AS REAL) / NULLIF(purchase_count_90d, 0) AS rank_1_value,
    RANK() OVER (
      ORDER BY CAST(purchase_sum_amount_365d AS REAL) / NULLIF(purchase_count_90d, 0) DESC
    ) AS rank_1,
    COUNT(CAST(purchase_sum_amount_365d AS REAL) / NULLIF(purchase_count_90d, 0)) OVER () AS rank_1_n
  FROM base
)
SELECT
  customer_id
FROM ranked
WHERE
  NOT rank_1_value IS NULL AND (
    rank_1 - 1
  ) * 100 < 25 * rank_1_n
