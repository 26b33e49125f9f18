WITH agg_events AS (
  SELECT
    user_id,
    MAX(ts) AS page_view_last
  FROM events
  WHERE
    event_name = 'page_view' AND ts <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
  GROUP BY
    user_id
), base AS (
  SELECT
    e.customer_id,
    agg_events.page_view_last AS page_view_last
  FROM customers AS e
  LEFT JOIN agg_events
    ON e.customer_id = agg_events.user_id
)
SELECT
  customer_id
FROM base
WHERE
  page_view_last > CAST('2026-06-29 00:00:00' AS TIMESTAMP)
  AND page_view_last <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
