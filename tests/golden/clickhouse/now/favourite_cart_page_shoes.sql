WITH agg_events AS (
  SELECT
    user_id,
    MIN(
      CASE
        WHEN NOT (
          page IS NULL
        )
        AND add_to_cart_most_frequent_page_cnt = add_to_cart_most_frequent_page_top
        THEN page
      END
    ) AS add_to_cart_most_frequent_page
  FROM (
    SELECT
      *,
      MAX(CASE WHEN NOT (
        page IS NULL
      ) THEN add_to_cart_most_frequent_page_cnt END) OVER (PARTITION BY user_id) AS add_to_cart_most_frequent_page_top
    FROM (
      SELECT
        *,
        SUM(CASE WHEN NOT (
          page IS NULL
        ) THEN 1 ELSE 0 END) OVER (PARTITION BY user_id, page) AS add_to_cart_most_frequent_page_cnt
      FROM events
      WHERE
        event_name = 'add_to_cart' AND ts <= now64(6, 'UTC')
    ) AS ev_rows
  ) AS ev_ranked
  GROUP BY
    user_id
), base AS (
  SELECT
    e.customer_id AS customer_id,
    agg_events.add_to_cart_most_frequent_page AS add_to_cart_most_frequent_page
  FROM customers AS e
  LEFT JOIN agg_events
    ON e.customer_id = agg_events.user_id
)
SELECT
  customer_id
FROM base
WHERE
  substringUTF8(lowerUTF8(add_to_cart_most_frequent_page), 1, 4) = lowerUTF8('/sho')
SETTINGS join_use_nulls = 1
