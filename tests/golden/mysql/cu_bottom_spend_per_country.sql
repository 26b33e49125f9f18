WITH agg_orders AS (
  SELECT
    customer_id,
    SUM(CASE WHEN ordered_at > CAST('2025-06-30 00:00:00' AS DATETIME) THEN amount END) AS purchase_sum_amount_365d
  FROM orders
  WHERE
    ordered_at <= CAST('2026-06-30 00:00:00' AS DATETIME)
    AND ordered_at > CAST('2025-06-30 00:00:00' AS DATETIME)
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    e.country,
    COALESCE(agg_orders.purchase_sum_amount_365d, 0) AS purchase_sum_amount_365d
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
), ranked AS (
  SELECT
    *,
    purchase_sum_amount_365d AS rank_1_value,
    RANK() OVER (
      PARTITION BY country
      ORDER BY CASE WHEN purchase_sum_amount_365d IS NULL THEN 1 ELSE 0 END, purchase_sum_amount_365d ASC
    ) AS rank_1,
    COUNT(purchase_sum_amount_365d) OVER (PARTITION BY country) AS rank_1_n
  FROM base
)
SELECT
  customer_id
FROM ranked
WHERE
  NOT country IS NULL
  AND NOT rank_1_value IS NULL
  AND (
    rank_1 - 1
  ) * 100 < 20 * rank_1_n
