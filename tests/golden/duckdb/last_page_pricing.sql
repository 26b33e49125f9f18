WITH agg_events AS (
  SELECT
    user_id,
    MAX(CASE WHEN ts = page_view_last_page_at THEN page END) AS page_view_last_page
  FROM (
    SELECT
      *,
      MAX(ts) OVER (PARTITION BY user_id) AS page_view_last_page_at
    FROM events
    WHERE
      event_name = 'page_view' AND ts <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
  ) AS ev_rows
  GROUP BY
    user_id
), base AS (
  SELECT
    e.customer_id,
    agg_events.page_view_last_page AS page_view_last_page
  FROM customers AS e
  LEFT JOIN agg_events
    ON e.customer_id = agg_events.user_id
)
SELECT
  customer_id
FROM base
WHERE
  STRPOS(LOWER(page_view_last_page), LOWER('pricing')) > 0
