WITH base AS (
  SELECT
    e.customer_id,
    e.lucky_numbers
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  EXISTS(
    SELECT
      1
    FROM UNNEST(lucky_numbers) AS _col
    WHERE
      _col = 3
  )
  AND EXISTS(
    SELECT
      1
    FROM UNNEST(lucky_numbers) AS _col
    WHERE
      _col = 7
  )
