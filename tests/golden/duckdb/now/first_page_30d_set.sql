WITH agg_events AS (
  SELECT
    user_id,
    MAX(
      CASE
        WHEN ts > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '30' DAY
        AND ts = page_view_first_page_30d_at
        THEN page
      END
    ) AS page_view_first_page_30d
  FROM (
    SELECT
      *,
      MIN(
        CASE WHEN ts > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '30' DAY THEN ts END
      ) OVER (PARTITION BY user_id) AS page_view_first_page_30d_at
    FROM events
    WHERE
      event_name = 'page_view'
      AND ts <= CURRENT_TIMESTAMP AT TIME ZONE 'UTC'
      AND ts > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '30' DAY
  ) AS ev_rows
  GROUP BY
    user_id
), base AS (
  SELECT
    e.customer_id,
    agg_events.page_view_first_page_30d AS page_view_first_page_30d
  FROM customers AS e
  LEFT JOIN agg_events
    ON e.customer_id = agg_events.user_id
)
SELECT
  customer_id
FROM base
WHERE
  NOT page_view_first_page_30d IS NULL
