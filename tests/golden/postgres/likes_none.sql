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
  NOT COALESCE(
    CASE
      WHEN 'running' IS NULL
      THEN NULL
      ELSE COALESCE('running' = ANY(
        interests
      ), FALSE)
    END
    OR CASE
      WHEN 'yoga' IS NULL
      THEN NULL
      ELSE COALESCE('yoga' = ANY(
        interests
      ), FALSE)
    END,
    FALSE
  )
