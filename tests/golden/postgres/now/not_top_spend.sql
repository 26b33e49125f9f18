WITH agg_orders AS (
  SELECT
    customer_id,
    SUM(
      CASE
        WHEN ordered_at > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '365 DAY'
        THEN amount
      END
    ) AS purchase_sum_amount_365d
  FROM orders
  WHERE
    ordered_at <= CURRENT_TIMESTAMP AT TIME ZONE 'UTC'
    AND ordered_at > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '365 DAY'
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    COALESCE(agg_orders.purchase_sum_amount_365d, 0) AS purchase_sum_amount_365d
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
), ranked AS (
  SELECT
    *,
    purchase_sum_amount_365d AS rank_1_value,
    RANK() OVER (ORDER BY purchase_sum_amount_365d DESC NULLS LAST) AS rank_1,
    COUNT(purchase_sum_amount_365d) OVER () AS rank_1_n
  FROM base
)
SELECT
  customer_id
FROM ranked
WHERE
  NOT (
    NOT rank_1_value IS NULL AND (
      rank_1 - 1
    ) * 100 < 20 * rank_1_n
  )
