WITH agg_events AS (
  SELECT
    user_id,
    SUM(
      CASE
        WHEN ts > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '30 DAY'
        AND POSITION(LOWER('pricing') IN LOWER(page)) > 0
        THEN 1
        ELSE 0
      END
    ) AS page_view_count_30d_if
  FROM events
  WHERE
    event_name = 'page_view'
    AND ts <= CURRENT_TIMESTAMP AT TIME ZONE 'UTC'
    AND ts > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '30 DAY'
  GROUP BY
    user_id
), base AS (
  SELECT
    e.customer_id,
    COALESCE(agg_events.page_view_count_30d_if, 0) AS page_view_count_30d_if
  FROM customers AS e
  LEFT JOIN agg_events
    ON e.customer_id = agg_events.user_id
)
SELECT
  customer_id
FROM base
WHERE
  page_view_count_30d_if >= 1
