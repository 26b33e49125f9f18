WITH base AS (
  SELECT
    e.customer_id,
    e.is_subscribed
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  is_subscribed = FALSE
