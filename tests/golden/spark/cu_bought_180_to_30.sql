WITH agg_orders AS (
  SELECT
    customer_id,
    SUM(
      CASE
        WHEN ordered_at > CAST('2026-01-01 00:00:00' AS TIMESTAMP)
        AND ordered_at <= CAST('2026-05-31 00:00:00' AS TIMESTAMP)
        THEN 1
        ELSE 0
      END
    ) AS purchase_count_180d_to30d
  FROM orders
  WHERE
    ordered_at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
    AND ordered_at > CAST('2026-01-01 00:00:00' AS TIMESTAMP)
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    COALESCE(agg_orders.purchase_count_180d_to30d, 0) AS purchase_count_180d_to30d
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  purchase_count_180d_to30d >= 1
