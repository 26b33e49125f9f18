WITH agg_orders AS (
  SELECT
    customer_id,
    SUM(
      CASE
        WHEN ordered_at > DATETIME(CURRENT_TIMESTAMP, '-30 days')
        AND (
          status = 'paid' AND amount >= 10
        )
        THEN 1
        ELSE 0
      END
    ) AS purchase_count_30d_if
  FROM orders
  WHERE
    ordered_at <= CURRENT_TIMESTAMP
    AND ordered_at > DATETIME(CURRENT_TIMESTAMP, '-30 days')
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    COALESCE(agg_orders.purchase_count_30d_if, 0) AS purchase_count_30d_if
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  purchase_count_30d_if >= 1
