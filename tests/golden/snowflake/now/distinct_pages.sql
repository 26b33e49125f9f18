WITH agg_events AS (
  SELECT
    user_id,
    COUNT(DISTINCT page) AS page_view_distinct_page
  FROM events
  WHERE
    event_name = 'page_view' AND ts <= CURRENT_TIMESTAMP()
  GROUP BY
    user_id
), base AS (
  SELECT
    e.customer_id,
    COALESCE(agg_events.page_view_distinct_page, 0) AS page_view_distinct_page
  FROM customers AS e
  LEFT JOIN agg_events
    ON e.customer_id = agg_events.user_id
)
SELECT
  customer_id
FROM base
WHERE
  page_view_distinct_page >= 1
