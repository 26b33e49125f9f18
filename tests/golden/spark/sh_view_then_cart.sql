WITH view_then_cart AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next <= seq_ts + INTERVAL '14' DAY
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
        at AS seq_ts,
        0 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'cart' AND at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'view' AND at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), base AS (
  SELECT
    e.shopper_id,
    COALESCE(view_then_cart.seq_hit, 0) AS view_then_cart
  FROM shoppers AS e
  LEFT JOIN view_then_cart
    ON e.shopper_id = view_then_cart.seq_key
)
SELECT
  shopper_id
FROM base
WHERE
  view_then_cart = 1
