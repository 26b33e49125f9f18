WITH agg_shopper_orders AS (
  SELECT
    shopper_id,
    SUM(
      CASE
        WHEN placed_at > DATETIME(
          DATE(CURRENT_TIMESTAMP, 'start of month', '-2 months'),
          '+' || CAST(MIN(
            CAST(STRFTIME('%d', CURRENT_TIMESTAMP) AS INTEGER),
            CAST(STRFTIME(
              '%d',
              DATE(DATE(CURRENT_TIMESTAMP, 'start of month', '-2 months'), '+1 month', '-1 day')
            ) AS INTEGER)
          ) - 1 AS TEXT) || ' days',
          '+' || TIME(CURRENT_TIMESTAMP)
        )
        AND placed_at <= DATETIME(
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
    ) AS order_count_2m_to1m
  FROM shopper_orders
  WHERE
    placed_at <= CURRENT_TIMESTAMP
    AND placed_at > DATETIME(
      DATE(CURRENT_TIMESTAMP, 'start of month', '-2 months'),
      '+' || CAST(MIN(
        CAST(STRFTIME('%d', CURRENT_TIMESTAMP) AS INTEGER),
        CAST(STRFTIME(
          '%d',
          DATE(DATE(CURRENT_TIMESTAMP, 'start of month', '-2 months'), '+1 month', '-1 day')
        ) AS INTEGER)
      ) - 1 AS TEXT) || ' days',
      '+' || TIME(CURRENT_TIMESTAMP)
    )
  GROUP BY
    shopper_id
), base AS (
  SELECT
    e.shopper_id,
    COALESCE(agg_shopper_orders.order_count_2m_to1m, 0) AS order_count_2m_to1m
  FROM shoppers AS e
  LEFT JOIN agg_shopper_orders
    ON e.shopper_id = agg_shopper_orders.shopper_id
)
SELECT
  shopper_id
FROM base
WHERE
  order_count_2m_to1m >= 1
