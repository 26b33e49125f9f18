WITH agg_orders AS (
  SELECT
    customer_id,
    AVG(
      CASE
        WHEN ordered_at > CAST('2026-05-31 00:00:00' AS DATETIME) AND status = 'paid'
        THEN amount
      END
    ) AS purchase_avg_amount_30d_if
  FROM orders
  WHERE
    ordered_at <= CAST('2026-06-30 00:00:00' AS DATETIME)
    AND ordered_at > CAST('2026-05-31 00:00:00' AS DATETIME)
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
