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
  EXISTS(
    SELECT
      1
    FROM UNNEST(interests) AS _col
    WHERE
      _col = 'running'
  )
  AND EXISTS(
    SELECT
      1
    FROM UNNEST(interests) AS _col
    WHERE
      _col = 'yoga'
  )
