WITH base AS (
  SELECT
    e.customer_id,
    e.interests
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  CASE
    WHEN 'running' IS NULL
    THEN NULL
    ELSE COALESCE('running' = ANY(
      interests
    ), FALSE)
  END
