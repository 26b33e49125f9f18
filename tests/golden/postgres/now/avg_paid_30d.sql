WITH agg_orders AS (
  SELECT
    customer_id,
    AVG(
      CASE
        WHEN ordered_at > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '30 DAY'
        AND status = 'paid'
        THEN amount
      END
    ) AS purchase_avg_amount_30d_if
  FROM orders
  WHERE
    ordered_at <= CURRENT_TIMESTAMP AT TIME ZONE 'UTC'
    AND ordered_at > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '30 DAY'
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    agg_orders.purchase_avg_amount_30d_if AS purchase_avg_amount_30d_if
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  purchase_avg_amount_30d_if >= 20
