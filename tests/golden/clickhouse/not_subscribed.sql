WITH base AS (
  SELECT
    e.customer_id AS customer_id,
    e.is_subscribed AS is_subscribed
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  NOT COALESCE(is_subscribed = TRUE, FALSE)
SETTINGS join_use_nulls = 1
