WITH agg_events AS (
  SELECT
    user_id,
    SUM(
      CASE
        WHEN event_name = 'page_view'
        AND ts > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '7' DAY
        THEN 1
        ELSE 0
      END
    ) AS page_view_count_7d,
    SUM(
      CASE
        WHEN event_name = 'add_to_cart'
        AND ts > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '7' DAY
        THEN 1
        ELSE 0
      END
    ) AS add_to_cart_count_7d
  FROM events
  WHERE
    (
      event_name = 'page_view'
      AND ts <= CURRENT_TIMESTAMP AT TIME ZONE 'UTC'
      AND ts > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '7' DAY
    )
    OR (
      event_name = 'add_to_cart'
      AND ts <= CURRENT_TIMESTAMP AT TIME ZONE 'UTC'
      AND ts > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '7' DAY
    )
  GROUP BY
    user_id
), base AS (
  SELECT
    e.customer_id,
    COALESCE(agg_events.page_view_count_7d, 0) AS page_view_count_7d,
    COALESCE(agg_events.add_to_cart_count_7d, 0) AS add_to_cart_count_7d
  FROM customers AS e
  LEFT JOIN agg_events
    ON e.customer_id = agg_events.user_id
)
SELECT
  customer_id
FROM base
WHERE
  page_view_count_7d >= 1 AND NOT add_to_cart_count_7d >= 1
