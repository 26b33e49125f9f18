WITH add_to_cart_then_page_view AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next <= seq_ts + INTERVAL '3' DAY
        )
        THEN 1
        ELSE 0
      END
    ) AS seq_hit
  FROM (
    SELECT
      seq_key,
      seq_ts,
      seq_tag,
      MIN(CASE WHEN seq_tag = 0 THEN seq_ts END) OVER (
        PARTITION BY seq_key
        ORDER BY seq_ts, seq_tag
        ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
      ) AS seq_next
    FROM (
      SELECT
        user_id AS seq_key,
        ts AS seq_ts,
        0 AS seq_tag
      FROM events
      WHERE
        event_name = 'page_view' AND ts <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
      UNION ALL
      SELECT
        user_id AS seq_key,
        ts AS seq_ts,
        1 AS seq_tag
      FROM events
      WHERE
        event_name = 'add_to_cart' AND ts <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), base AS (
  SELECT
    e.customer_id,
    COALESCE(add_to_cart_then_page_view.seq_hit, 0) AS add_to_cart_then_page_view
  FROM customers AS e
  LEFT JOIN add_to_cart_then_page_view
    ON e.customer_id = add_to_cart_then_page_view.seq_key
)
SELECT
  customer_id
FROM base
WHERE
  add_to_cart_then_page_view = 1
