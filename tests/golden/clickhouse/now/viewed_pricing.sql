WITH agg_events AS (
  SELECT
    user_id,
    SUM(
      CASE
        WHEN ts > now64(6, 'UTC') - INTERVAL '30' DAY
        AND positionUTF8(lowerUTF8(page), lowerUTF8('pricing')) > 0
        THEN 1
        ELSE 0
      END
    ) AS page_view_count_30d_if
  FROM events
  WHERE
    event_name = 'page_view'
    AND ts <= now64(6, 'UTC')
    AND ts > now64(6, 'UTC') - INTERVAL '30' DAY
  GROUP BY
    user_id
), base AS (
  SELECT
    e.customer_id AS customer_id,
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
SETTINGS join_use_nulls = 1
