WITH agg_events AS (
  SELECT
    user_id,
    SUM(
      CASE
        WHEN ts > CAST('2026-06-16 00:00:00' AS TIMESTAMP)
        AND SUBSTRING(LOWER(page), 1, 4) = LOWER('/SHO')
        THEN 1
        ELSE 0
      END
    ) AS add_to_cart_count_2w_if
  FROM events
  WHERE
    event_name = 'add_to_cart'
    AND ts <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
    AND ts > CAST('2026-06-16 00:00:00' AS TIMESTAMP)
  GROUP BY
    user_id
), base AS (
  SELECT
    e.customer_id,
    COALESCE(agg_events.add_to_cart_count_2w_if, 0) AS add_to_cart_count_2w_if
  FROM customers AS e
  LEFT JOIN agg_events
    ON e.customer_id = agg_events.user_id
)
SELECT
  customer_id
FROM base
WHERE
  add_to_cart_count_2w_if >= 1
