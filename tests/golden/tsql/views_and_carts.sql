WITH agg_events AS (
  SELECT
    user_id,
    SUM(CASE WHEN event_name = 'page_view' THEN 1 ELSE 0 END) AS page_view_count,
    SUM(CASE WHEN event_name = 'add_to_cart' THEN 1 ELSE 0 END) AS add_to_cart_count
  FROM events
  WHERE
    (
      event_name = 'page_view' AND ts <= CAST('2026-06-30 00:00:00' AS DATETIME2)
    )
    OR (
      event_name = 'add_to_cart' AND ts <= CAST('2026-06-30 00:00:00' AS DATETIME2)
    )
  GROUP BY
    user_id
), base AS (
  SELECT
    e.customer_id,
    COALESCE(agg_events.page_view_count, 0) AS page_view_count,
    COALESCE(agg_events.add_to_cart_count, 0) AS add_to_cart_count
  FROM customers AS e
  LEFT JOIN agg_events
    ON e.customer_id = agg_events.user_id
)
SELECT
  customer_id
FROM base
WHERE
  page_view_count + add_to_cart_count >= 2
