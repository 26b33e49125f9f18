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
  NOT COALESCE(is_subscribed = TRUE, FALSE)
