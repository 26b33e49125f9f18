WITH cart_then_order AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next <= seq_ts + INTERVAL '1' DAY
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
        shopper_id AS seq_key,
        placed_at AS seq_ts,
        0 AS seq_tag
      FROM shopper_orders
      WHERE
        placed_at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'cart' AND at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), base AS (
  SELECT
    e.shopper_id,
    COALESCE(cart_then_order.seq_hit, 0) AS cart_then_order
  FROM shoppers AS e
  LEFT JOIN cart_then_order
    ON e.shopper_id = cart_then_order.seq_key
)
SELECT
  shopper_id
FROM base
WHERE
  cart_then_order = 1
