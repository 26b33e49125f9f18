WITH agg_events AS (
  SELECT
    user_id,
    SUM(
      CASE
        WHEN ts > CAST('2026-05-31 00:00:00' AS DATETIME)
        AND LOCATE(LOWER('pricing'), LOWER(page)) > 0
        THEN 1
        ELSE 0
      END
    ) AS page_view_count_30d_if
  FROM events
  WHERE
    event_name = 'page_view'
    AND ts <= CAST('2026-06-30 00:00:00' AS DATETIME)
    AND ts > CAST('2026-05-31 00:00:00' AS DATETIME)
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
