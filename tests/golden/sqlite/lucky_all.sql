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
  NOT lucky_numbers IS NULL
  AND (
    EXISTS(
      SELECT
        1
      FROM JSON_EACH(lucky_numbers)
      WHERE
        value = 3
    )
    AND EXISTS(
      SELECT
        1
      FROM JSON_EACH(lucky_numbers)
      WHERE
        value = 7
    )
  )
