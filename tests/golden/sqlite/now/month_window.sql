WITH agg_orders AS (
  SELECT
    customer_id,
    SUM(
      CASE
        WHEN ordered_at > DATETIME(
          DATE(CURRENT_TIMESTAMP, 'start of month', '-1 months'),
          '+' || CAST(MIN(
            CAST(STRFTIME('%d', CURRENT_TIMESTAMP) AS INTEGER),
            CAST(STRFTIME(
              '%d',
              DATE(DATE(CURRENT_TIMESTAMP, 'start of month', '-1 months'), '+1 month', '-1 day')
            ) AS INTEGER)
          ) - 1 AS TEXT) || ' days',
          '+' || TIME(CURRENT_TIMESTAMP)
        )
        THEN 1
        ELSE 0
      END
    ) AS purchase_count_1m
  FROM orders
  WHERE
    ordered_at <= CURRENT_TIMESTAMP
    AND ordered_at > DATETIME(
      DATE(CURRENT_TIMESTAMP, 'start of month', '-1 months'),
      '+' || CAST(MIN(
        CAST(STRFTIME('%d', CURRENT_TIMESTAMP) AS INTEGER),
        CAST(STRFTIME(
          '%d',
          DATE(DATE(CURRENT_TIMESTAMP, 'start of month', '-1 months'), '+1 month', '-1 day')
        ) AS INTEGER)
      ) - 1 AS TEXT) || ' days',
      '+' || TIME(CURRENT_TIMESTAMP)
    )
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    COALESCE(agg_orders.purchase_count_1m, 0) AS purchase_count_1m
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  purchase_count_1m >= 1
