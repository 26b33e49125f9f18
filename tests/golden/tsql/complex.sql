WITH base AS (
  SELECT
    e.customer_id,
    e.age,
    e.income,
    e.country,
    e.is_subscribed
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  (
    age BETWEEN 25 AND 34 OR income > 80000
  )
  AND NOT (
    COALESCE(country IN ('US'), (1 = 0)) OR COALESCE(is_subscribed = 1, (1 = 0))
  )
