WITH agg_shopper_orders AS (
  SELECT
    shopper_id,
    SUM(
      CASE
        WHEN placed_at > CAST('2026-05-31 00:00:00' AS DATETIME)
        AND placed_at <= CAST('2026-06-23 00:00:00' AS DATETIME)
        THEN 1
        ELSE 0
      END
    ) AS order_count_30d_to7d,
    SUM(
      CASE
        WHEN placed_at > CAST('2026-04-30 00:00:00' AS DATETIME)
        AND placed_at <= CAST('2026-05-30 00:00:00' AS DATETIME)
        THEN 1
        ELSE 0
      END
    ) AS order_count_2m_to1m,
    SUM(
      CASE
        WHEN placed_at > CAST('2026-05-31 00:00:00' AS DATETIME)
        AND placed_at <= CAST('2026-06-23 00:00:00' AS DATETIME)
        THEN amount
      END
    ) AS order_sum_amount_30d_to7d,
    AVG(
      CASE
        WHEN placed_at > CAST('2026-05-31 00:00:00' AS DATETIME)
        AND placed_at <= CAST('2026-06-23 00:00:00' AS DATETIME)
        THEN amount
      END
    ) AS order_avg_amount_30d_to7d,
    MIN(
      CASE
        WHEN placed_at > CAST('2026-05-31 00:00:00' AS DATETIME)
        AND placed_at <= CAST('2026-06-23 00:00:00' AS DATETIME)
        THEN amount
      END
    ) AS order_min_amount_30d_to7d,
    MAX(
      CASE
        WHEN placed_at > CAST('2026-05-31 00:00:00' AS DATETIME)
        AND placed_at <= CAST('2026-06-23 00:00:00' AS DATETIME)
        AND status = 'paid'
        THEN amount
      END
    ) AS order_max_amount_30d_to7d_if,
    COUNT(
      DISTINCT CASE
        WHEN placed_at > CAST('2026-05-01 00:00:00' AS DATETIME)
        AND placed_at <= CAST('2026-06-29 00:00:00' AS DATETIME)
        THEN sku
      END
    ) AS order_distinct_sku_60d_to1d,
    MIN(
      CASE
        WHEN placed_at > CAST('2026-04-01 00:00:00' AS DATETIME)
        AND placed_at <= CAST('2026-06-10 00:00:00' AS DATETIME)
        THEN placed_at
      END
    ) AS order_first_90d_to20d,
    MAX(
      CASE
        WHEN placed_at > CAST('2026-05-31 00:00:00' AS DATETIME)
        AND placed_at <= CAST('2026-06-23 00:00:00' AS DATETIME)
        THEN placed_at
      END
    ) AS order_last_30d_to7d,
    SUM(CASE WHEN placed_at > CAST('2026-05-31 00:00:00' AS DATETIME) THEN 1 ELSE 0 END) AS order_count_30d,
    SUM(
      CASE
        WHEN placed_at > CAST('2026-05-01 00:00:00' AS DATETIME)
        AND placed_at <= CAST('2026-06-16 00:00:00' AS DATETIME)
        THEN 1
        ELSE 0
      END
    ) AS order_count_60d_to14d,
    SUM(CASE WHEN placed_at > CAST('2026-06-16 00:00:00' AS DATETIME) THEN 1 ELSE 0 END) AS order_count_14d,
    COUNT(*) AS order_count
  FROM shopper_orders
  WHERE
    placed_at <= CAST('2026-06-30 00:00:00' AS DATETIME)
  GROUP BY
    shopper_id
), agg_shop_visits AS (
  SELECT
    shopper_id,
    SUM(
      CASE
        WHEN day > CAST('2026-06-23' AS DATE) AND day <= CAST('2026-06-29' AS DATE)
        THEN 1
        ELSE 0
      END
    ) AS visit_count_7d_to1d,
    SUM(
      CASE
        WHEN day > CAST('2026-06-16' AS DATE) AND day <= CAST('2026-06-23' AS DATE)
        THEN 1
        ELSE 0
      END
    ) AS visit_count_2w_to1w
  FROM shop_visits
  WHERE
    day <= CAST('2026-06-30' AS DATE) AND day > CAST('2026-06-16' AS DATE)
  GROUP BY
    shopper_id
), cart_then_order AS (
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
        placed_at <= CAST('2026-06-30 00:00:00' AS DATETIME)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'cart' AND at <= CAST('2026-06-30 00:00:00' AS DATETIME)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), cart_then_not_order AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next IS NULL OR seq_next > seq_ts + INTERVAL '1' DAY
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
        placed_at <= CAST('2026-06-30 00:00:00' AS DATETIME)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'cart'
        AND at <= CAST('2026-06-30 00:00:00' AS DATETIME)
        AND at <= CAST('2026-06-29 00:00:00' AS DATETIME)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), cart_then_not_order_2 AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next IS NULL OR seq_next > seq_ts + INTERVAL '1' DAY
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
        placed_at <= CAST('2026-06-30 00:00:00' AS DATETIME)
        AND placed_at > CAST('2026-06-23 00:00:00' AS DATETIME)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'cart'
        AND at <= CAST('2026-06-30 00:00:00' AS DATETIME)
        AND at > CAST('2026-06-23 00:00:00' AS DATETIME)
        AND at <= CAST('2026-06-29 00:00:00' AS DATETIME)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), cart_then_order_2 AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next <= seq_ts + INTERVAL '7' DAY
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
        placed_at <= CAST('2026-06-30 00:00:00' AS DATETIME)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'cart' AND at <= CAST('2026-06-30 00:00:00' AS DATETIME)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), cart_then_order_3 AS (
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
        placed_at <= CAST('2026-06-30 00:00:00' AS DATETIME) AND status = 'paid'
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'cart' AND at <= CAST('2026-06-30 00:00:00' AS DATETIME) AND amount >= 10
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), cart_then_not_order_3 AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next IS NULL OR seq_next > seq_ts + INTERVAL '1' DAY
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
        placed_at <= CAST('2026-06-30 00:00:00' AS DATETIME) AND status = 'paid'
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'cart'
        AND at <= CAST('2026-06-30 00:00:00' AS DATETIME)
        AND at <= CAST('2026-06-29 00:00:00' AS DATETIME)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), cart_then_order_4 AS (
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
        placed_at <= CAST('2026-06-30 00:00:00' AS DATETIME)
        AND placed_at > CAST('2026-06-16 00:00:00' AS DATETIME)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'cart'
        AND at <= CAST('2026-06-30 00:00:00' AS DATETIME)
        AND at > CAST('2026-06-16 00:00:00' AS DATETIME)
        AND at <= CAST('2026-06-23 00:00:00' AS DATETIME)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), cart_then_not_order_4 AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next IS NULL OR seq_next > seq_ts + INTERVAL '1' DAY
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
        placed_at <= CAST('2026-06-30 00:00:00' AS DATETIME)
        AND placed_at > CAST('2026-06-16 00:00:00' AS DATETIME)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'cart'
        AND at <= CAST('2026-06-30 00:00:00' AS DATETIME)
        AND at > CAST('2026-06-16 00:00:00' AS DATETIME)
        AND at <= CAST('2026-06-23 00:00:00' AS DATETIME)
        AND at <= CAST('2026-06-29 00:00:00' AS DATETIME)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), cart_then_cart AS (
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
        at AS seq_ts,
        0 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'cart' AND at <= CAST('2026-06-30 00:00:00' AS DATETIME)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'cart' AND at <= CAST('2026-06-30 00:00:00' AS DATETIME)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), view_then_view AS (
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
        at AS seq_ts,
        0 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'view' AND at <= CAST('2026-06-30 00:00:00' AS DATETIME)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'view' AND at <= CAST('2026-06-30 00:00:00' AS DATETIME)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), view_then_not_view AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next IS NULL OR seq_next > seq_ts + INTERVAL '1' DAY
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
        kind = 'view' AND at <= CAST('2026-06-30 00:00:00' AS DATETIME)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'view'
        AND at <= CAST('2026-06-30 00:00:00' AS DATETIME)
        AND at <= CAST('2026-06-29 00:00:00' AS DATETIME)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), view_then_cart AS (
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
        kind = 'cart' AND at <= CAST('2026-06-30 00:00:00' AS DATETIME)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'view' AND at <= CAST('2026-06-30 00:00:00' AS DATETIME)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), view_then_view_2 AS (
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
        at AS seq_ts,
        0 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'view' AND at <= CAST('2026-06-30 00:00:00' AS DATETIME) AND page = '/b'
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'view' AND at <= CAST('2026-06-30 00:00:00' AS DATETIME) AND page IS NULL
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), cart_then_order_5 AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next <= seq_ts + INTERVAL '2' DAY
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
        placed_at <= CAST('2026-06-30 00:00:00' AS DATETIME)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'cart'
        AND at <= CAST('2026-06-30 00:00:00' AS DATETIME)
        AND at > CAST('2026-06-19 00:00:00' AS DATETIME)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), visit_then_visit AS (
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
        day AS seq_ts,
        0 AS seq_tag
      FROM shop_visits
      WHERE
        day <= CAST('2026-06-30' AS DATE)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        day AS seq_ts,
        1 AS seq_tag
      FROM shop_visits
      WHERE
        day <= CAST('2026-06-30' AS DATE)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), visit_then_visit_2 AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next <= seq_ts + INTERVAL '2' DAY
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
        day AS seq_ts,
        0 AS seq_tag
      FROM shop_visits
      WHERE
        day <= CAST('2026-06-30' AS DATE)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        day AS seq_ts,
        1 AS seq_tag
      FROM shop_visits
      WHERE
        day <= CAST('2026-06-30' AS DATE)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), visit_then_not_visit AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next IS NULL OR seq_next > seq_ts + INTERVAL '1' DAY
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
        day AS seq_ts,
        0 AS seq_tag
      FROM shop_visits
      WHERE
        day <= CAST('2026-06-30' AS DATE)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        day AS seq_ts,
        1 AS seq_tag
      FROM shop_visits
      WHERE
        day <= CAST('2026-06-30' AS DATE) AND day <= CAST('2026-06-29' AS DATE)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), visit_then_not_visit_2 AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next IS NULL OR seq_next > seq_ts + INTERVAL '1' DAY
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
        day AS seq_ts,
        0 AS seq_tag
      FROM shop_visits
      WHERE
        day <= CAST('2026-06-30' AS DATE) AND day > CAST('2026-06-23' AS DATE)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        day AS seq_ts,
        1 AS seq_tag
      FROM shop_visits
      WHERE
        day <= CAST('2026-06-30' AS DATE)
        AND day > CAST('2026-06-23' AS DATE)
        AND day <= CAST('2026-06-29' AS DATE)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), visit_then_visit_3 AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next <= seq_ts + INTERVAL '7' DAY
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
        day AS seq_ts,
        0 AS seq_tag
      FROM shop_visits
      WHERE
        day <= CAST('2026-06-30' AS DATE) AND day > CAST('2026-06-16' AS DATE)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        day AS seq_ts,
        1 AS seq_tag
      FROM shop_visits
      WHERE
        day <= CAST('2026-06-30' AS DATE)
        AND day > CAST('2026-06-16' AS DATE)
        AND day <= CAST('2026-06-23' AS DATE)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), cart_then_not_order_5 AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1 AND (
          seq_next IS NULL OR seq_next > seq_ts + INTERVAL '2' DAY
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
        placed_at <= CAST('2026-06-30 00:00:00' AS DATETIME)
      UNION ALL
      SELECT
        shopper_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM shopper_events
      WHERE
        kind = 'cart'
        AND at <= CAST('2026-06-30 00:00:00' AS DATETIME)
        AND at <= CAST('2026-06-28 00:00:00' AS DATETIME)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), base AS (
  SELECT
    e.shopper_id,
    e.spend,
    e.lat AS location_lat,
    e.lon AS location_lon,
    e.country,
    e.tier,
    COALESCE(agg_shopper_orders.order_count_30d_to7d, 0) AS order_count_30d_to7d,
    COALESCE(agg_shopper_orders.order_count_2m_to1m, 0) AS order_count_2m_to1m,
    COALESCE(agg_shopper_orders.order_sum_amount_30d_to7d, 0) AS order_sum_amount_30d_to7d,
    agg_shopper_orders.order_avg_amount_30d_to7d AS order_avg_amount_30d_to7d,
    agg_shopper_orders.order_min_amount_30d_to7d AS order_min_amount_30d_to7d,
    agg_shopper_orders.order_max_amount_30d_to7d_if AS order_max_amount_30d_to7d_if,
    COALESCE(agg_shopper_orders.order_distinct_sku_60d_to1d, 0) AS order_distinct_sku_60d_to1d,
    agg_shopper_orders.order_first_90d_to20d AS order_first_90d_to20d,
    agg_shopper_orders.order_last_30d_to7d AS order_last_30d_to7d,
    COALESCE(agg_shopper_orders.order_count_30d, 0) AS order_count_30d,
    COALESCE(agg_shopper_orders.order_count_60d_to14d, 0) AS order_count_60d_to14d,
    COALESCE(agg_shopper_orders.order_count_14d, 0) AS order_count_14d,
    COALESCE(agg_shopper_orders.order_count, 0) AS order_count,
    COALESCE(agg_shop_visits.visit_count_7d_to1d, 0) AS visit_count_7d_to1d,
    COALESCE(agg_shop_visits.visit_count_2w_to1w, 0) AS visit_count_2w_to1w,
    COALESCE(cart_then_order.seq_hit, 0) AS cart_then_order,
    COALESCE(cart_then_not_order.seq_hit, 0) AS cart_then_not_order,
    COALESCE(cart_then_not_order_2.seq_hit, 0) AS cart_then_not_order_2,
    COALESCE(cart_then_order_2.seq_hit, 0) AS cart_then_order_2,
    COALESCE(cart_then_order_3.seq_hit, 0) AS cart_then_order_3,
    COALESCE(cart_then_not_order_3.seq_hit, 0) AS cart_then_not_order_3,
    COALESCE(cart_then_order_4.seq_hit, 0) AS cart_then_order_4,
    COALESCE(cart_then_not_order_4.seq_hit, 0) AS cart_then_not_order_4,
    COALESCE(cart_then_cart.seq_hit, 0) AS cart_then_cart,
    COALESCE(view_then_view.seq_hit, 0) AS view_then_view,
    COALESCE(view_then_not_view.seq_hit, 0) AS view_then_not_view,
    COALESCE(view_then_cart.seq_hit, 0) AS view_then_cart,
    COALESCE(view_then_view_2.seq_hit, 0) AS view_then_view_2,
    COALESCE(cart_then_order_5.seq_hit, 0) AS cart_then_order_5,
    COALESCE(visit_then_visit.seq_hit, 0) AS visit_then_visit,
    COALESCE(visit_then_visit_2.seq_hit, 0) AS visit_then_visit_2,
    COALESCE(visit_then_not_visit.seq_hit, 0) AS visit_then_not_visit,
    COALESCE(visit_then_not_visit_2.seq_hit, 0) AS visit_then_not_visit_2,
    COALESCE(visit_then_visit_3.seq_hit, 0) AS visit_then_visit_3,
    COALESCE(cart_then_not_order_5.seq_hit, 0) AS cart_then_not_order_5
  FROM shoppers AS e
  LEFT JOIN agg_shopper_orders
    ON e.shopper_id = agg_shopper_orders.shopper_id
  LEFT JOIN agg_shop_visits
    ON e.shopper_id = agg_shop_visits.shopper_id
  LEFT JOIN cart_then_order
    ON e.shopper_id = cart_then_order.seq_key
  LEFT JOIN cart_then_not_order
    ON e.shopper_id = cart_then_not_order.seq_key
  LEFT JOIN cart_then_not_order_2
    ON e.shopper_id = cart_then_not_order_2.seq_key
  LEFT JOIN cart_then_order_2
    ON e.shopper_id = cart_then_order_2.seq_key
  LEFT JOIN cart_then_order_3
    ON e.shopper_id = cart_then_order_3.seq_key
  LEFT JOIN cart_then_not_order_3
    ON e.shopper_id = cart_then_not_order_3.seq_key
  LEFT JOIN cart_then_order_4
    ON e.shopper_id = cart_then_order_4.seq_key
  LEFT JOIN cart_then_not_order_4
    ON e.shopper_id = cart_then_not_order_4.seq_key
  LEFT JOIN cart_then_cart
    ON e.shopper_id = cart_then_cart.seq_key
  LEFT JOIN view_then_view
    ON e.shopper_id = view_then_view.seq_key
  LEFT JOIN view_then_not_view
    ON e.shopper_id = view_then_not_view.seq_key
  LEFT JOIN view_then_cart
    ON e.shopper_id = view_then_cart.seq_key
  LEFT JOIN view_then_view_2
    ON e.shopper_id = view_then_view_2.seq_key
  LEFT JOIN cart_then_order_5
    ON e.shopper_id = cart_then_order_5.seq_key
  LEFT JOIN visit_then_visit
    ON e.shopper_id = visit_then_visit.seq_key
  LEFT JOIN visit_then_visit_2
    ON e.shopper_id = visit_then_visit_2.seq_key
  LEFT JOIN visit_then_not_visit
    ON e.shopper_id = visit_then_not_visit.seq_key
  LEFT JOIN visit_then_not_visit_2
    ON e.shopper_id = visit_then_not_visit_2.seq_key
  LEFT JOIN visit_then_visit_3
    ON e.shopper_id = visit_then_visit_3.seq_key
  LEFT JOIN cart_then_not_order_5
    ON e.shopper_id = cart_then_not_order_5.seq_key
), valued AS (
  SELECT
    *,
    spend AS rank_1_value,
    spend AS rank_2_value,
    spend AS rank_3_value,
    spend AS rank_4_value,
    spend AS rank_5_value,
    order_count AS rank_6_value
  FROM base
), ranks_1 AS (
  SELECT
    rank_1_value AS v,
    country AS g,
    SUM(COUNT(*)) OVER (PARTITION BY country ORDER BY rank_1_value DESC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER (PARTITION BY country) AS n
  FROM valued
  WHERE
    NOT rank_1_value IS NULL AND NOT country IS NULL
  GROUP BY
    rank_1_value,
    country
), ranks_2 AS (
  SELECT
    rank_2_value AS v,
    country AS g,
    SUM(COUNT(*)) OVER (PARTITION BY country ORDER BY rank_2_value DESC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER (PARTITION BY country) AS n
  FROM valued
  WHERE
    NOT rank_2_value IS NULL AND NOT country IS NULL
  GROUP BY
    rank_2_value,
    country
), ranks_3 AS (
  SELECT
    rank_3_value AS v,
    country AS g,
    SUM(COUNT(*)) OVER (PARTITION BY country ORDER BY rank_3_value ASC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER (PARTITION BY country) AS n
  FROM valued
  WHERE
    NOT rank_3_value IS NULL AND NOT country IS NULL
  GROUP BY
    rank_3_value,
    country
), ranks_4 AS (
  SELECT
    rank_4_value AS v,
    country AS g,
    SUM(COUNT(*)) OVER (PARTITION BY country ORDER BY rank_4_value ASC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER (PARTITION BY country) AS n
  FROM valued
  WHERE
    NOT rank_4_value IS NULL AND NOT country IS NULL
  GROUP BY
    rank_4_value,
    country
), ranks_5 AS (
  SELECT
    rank_5_value AS v,
    SUM(COUNT(*)) OVER (ORDER BY rank_5_value DESC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER () AS n
  FROM valued
  WHERE
    NOT rank_5_value IS NULL
  GROUP BY
    rank_5_value
), ranks_6 AS (
  SELECT
    rank_6_value AS v,
    tier AS g,
    SUM(COUNT(*)) OVER (PARTITION BY tier ORDER BY rank_6_value DESC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER (PARTITION BY tier) AS n
  FROM valued
  WHERE
    NOT rank_6_value IS NULL AND NOT tier IS NULL
  GROUP BY
    rank_6_value,
    tier
), ranked AS (
  SELECT
    valued.*,
    ranks_1.better AS rank_1_better,
    ranks_1.n AS rank_1_n,
    ranks_2.better AS rank_2_better,
    ranks_2.n AS rank_2_n,
    ranks_3.better AS rank_3_better,
    ranks_3.n AS rank_3_n,
    ranks_4.better AS rank_4_better,
    ranks_4.n AS rank_4_n,
    ranks_5.better AS rank_5_better,
    ranks_5.n AS rank_5_n,
    ranks_6.better AS rank_6_better,
    ranks_6.n AS rank_6_n
  FROM valued
  LEFT JOIN ranks_1
    ON valued.rank_1_value = ranks_1.v AND valued.country = ranks_1.g
  LEFT JOIN ranks_2
    ON valued.rank_2_value = ranks_2.v AND valued.country = ranks_2.g
  LEFT JOIN ranks_3
    ON valued.rank_3_value = ranks_3.v AND valued.country = ranks_3.g
  LEFT JOIN ranks_4
    ON valued.rank_4_value = ranks_4.v AND valued.country = ranks_4.g
  LEFT JOIN ranks_5
    ON valued.rank_5_value = ranks_5.v
  LEFT JOIN ranks_6
    ON valued.rank_6_value = ranks_6.v AND valued.tier = ranks_6.g
), segments_1 AS (
  SELECT
    *,
    order_count_30d_to7d >= 1 AS in_sh_ordered_30_to_7,
    NOT order_count_30d_to7d >= 1 AS in_sh_not_ordered_30_to_7,
    order_count_2m_to1m >= 1 AS in_sh_orders_2m_to_1m,
    order_sum_amount_30d_to7d > 20 AS in_sh_spend_30_to_7,
    COALESCE(order_avg_amount_30d_to7d >= 20, FALSE) AS in_sh_avg_30_to_7,
    COALESCE(order_min_amount_30d_to7d < 15, FALSE) AS in_sh_min_30_to_7,
    COALESCE(order_max_amount_30d_to7d_if >= 30, FALSE) AS in_sh_max_paid_30_to_7,
    order_distinct_sku_60d_to1d >= 2 AS in_sh_skus_60_to_1,
    COALESCE(order_first_90d_to20d < CAST('2026-06-01 00:00:00' AS DATETIME), FALSE) AS in_sh_first_order_90_to_20,
    COALESCE(order_last_30d_to7d > CAST('2026-06-15 00:00:00' AS DATETIME), FALSE) AS in_sh_last_order_30_to_7,
    order_last_30d_to7d IS NULL AS in_sh_no_order_30_to_7,
    visit_count_7d_to1d >= 1 AS in_sh_visits_7_to_1,
    visit_count_2w_to1w >= 1 AS in_sh_visit_2w_to_1w,
    order_count_30d >= 1 AS in_sh_between_30_and_0,
    order_count_30d >= 1 AS in_sh_in_last_30,
    order_count_60d_to14d >= 1 AND NOT order_count_14d >= 1 AS in_sh_win_back,
    order_count_30d_to7d >= 2 AS in_sh_measure_window,
    cart_then_order = 1 AS in_sh_cart_then_order,
    cart_then_not_order = 1 AS in_sh_abandoned,
    cart_then_not_order_2 = 1 AS in_sh_abandoned_7d,
    NOT cart_then_order = 1 AS in_sh_not_cart_then_order,
    NOT cart_then_not_order = 1 AS in_sh_not_abandoned,
    cart_then_order_2 = 1 AS in_sh_cart_then_order_1w,
    cart_then_order_3 = 1 AS in_sh_big_cart_then_paid,
    cart_then_not_order_3 = 1 AS in_sh_cart_then_no_paid,
    cart_then_order_4 = 1 AS in_sh_offset_cart_then_order,
    cart_then_not_order_4 = 1 AS in_sh_offset_abandoned,
    cart_then_cart = 1 AS in_sh_cart_then_cart,
    view_then_view = 1 AS in_sh_view_then_view,
    view_then_not_view = 1 AS in_sh_view_then_no_view,
    view_then_cart = 1 AS in_sh_view_then_cart,
    view_then_view_2 = 1 AS in_sh_view_missing_then_b,
    cart_then_order_5 = 1 AS in_sh_late_cart_then_order,
    visit_then_visit = 1 AS in_sh_visit_then_visit,
    visit_then_visit_2 = 1 AS in_sh_visit_then_visit_2d,
    visit_then_not_visit = 1 AS in_sh_visit_then_no_visit,
    visit_then_not_visit_2 = 1 AS in_sh_visit_7d_then_no_visit,
    cart_then_not_order = 1 AND COALESCE(spend >= 20, FALSE) AS in_sh_abandoned_and_spender,
    cart_then_not_order = 1
    OR COALESCE(
      SIN((
        CAST(location_lat AS DOUBLE) - 48.8566
      ) * 0.008726646259971648) * SIN((
        CAST(location_lat AS DOUBLE) - 48.8566
      ) * 0.008726646259971648) + COS(CAST(location_lat AS DOUBLE) * 0.017453292519943296) * 0.6579458609946129 * SIN((
        CAST(location_lon AS DOUBLE) - 2.3522
      ) * 0.008726646259971648) * SIN((
        CAST(location_lon AS DOUBLE) - 2.3522
      ) * 0.008726646259971648) <= 0.0000153978964862913,
      FALSE
    ) AS in_sh_abandoned_or_near,
    visit_then_visit_3 = 1 AS in_sh_visit_offset_then_visit,
    COALESCE(
      SIN((
        CAST(location_lat AS DOUBLE) - 48.8566
      ) * 0.008726646259971648) * SIN((
        CAST(location_lat AS DOUBLE) - 48.8566
      ) * 0.008726646259971648) + COS(CAST(location_lat AS DOUBLE) * 0.017453292519943296) * 0.6579458609946129 * SIN((
        CAST(location_lon AS DOUBLE) - 2.3522
      ) * 0.008726646259971648) * SIN((
        CAST(location_lon AS DOUBLE) - 2.3522
      ) * 0.008726646259971648) <= 0.0000153978964862913,
      FALSE
    ) AS in_sh_near_paris,
    cart_then_order = 1 AND cart_then_not_order_5 = 1 AS in_sh_two_sequences,
    NOT country IS NULL
    AND NOT rank_1_value IS NULL
    AND rank_1_better * 100 < 20 * rank_1_n AS in_sh_top_20_per_country,
    NOT country IS NULL
    AND NOT rank_2_value IS NULL
    AND rank_2_better * 100 < 40 * rank_2_n AS in_sh_top_40_per_country,
    NOT country IS NULL
    AND NOT rank_3_value IS NULL
    AND rank_3_better * 100 < 25 * rank_3_n AS in_sh_bottom_25_per_country,
    NOT country IS NULL
    AND NOT rank_4_value IS NULL
    AND rank_4_better * 100 < 50 * rank_4_n AS in_sh_bottom_50_per_country,
    NOT rank_5_value IS NULL AND rank_5_better * 100 < 10 * rank_5_n AS in_sh_top_10_spend,
    NOT tier IS NULL
    AND NOT rank_6_value IS NULL
    AND rank_6_better * 100 < 50 * rank_6_n AS in_sh_top_orders_per_tier,
    (
      NOT country IS NULL
      AND NOT rank_2_value IS NULL
      AND rank_2_better * 100 < 40 * rank_2_n
    )
    AND order_count >= 1 AS in_sh_top_country_and_ordered,
    NOT (
      NOT country IS NULL
      AND NOT rank_1_value IS NULL
      AND rank_1_better * 100 < 20 * rank_1_n
    ) AS in_sh_not_top_per_country,
    NOT COALESCE(
      SIN((
        CAST(location_lat AS DOUBLE) - 48.8566
      ) * 0.008726646259971648) * SIN((
        CAST(location_lat AS DOUBLE) - 48.8566
      ) * 0.008726646259971648) + COS(CAST(location_lat AS DOUBLE) * 0.017453292519943296) * 0.6579458609946129 * SIN((
        CAST(location_lon AS DOUBLE) - 2.3522
      ) * 0.008726646259971648) * SIN((
        CAST(location_lon AS DOUBLE) - 2.3522
      ) * 0.008726646259971648) <= 0.0000153978964862913,
      FALSE
    ) AS in_sh_not_near_paris,
    COALESCE(
      SIN((
        CAST(location_lat AS DOUBLE) - 51.5074
      ) * 0.008726646259971648) * SIN((
        CAST(location_lat AS DOUBLE) - 51.5074
      ) * 0.008726646259971648) + COS(CAST(location_lat AS DOUBLE) * 0.017453292519943296) * 0.6224135541865977 * SIN((
        CAST(location_lon AS DOUBLE) - -0.1278
      ) * 0.008726646259971648) * SIN((
        CAST(location_lon AS DOUBLE) - -0.1278
      ) * 0.008726646259971648) <= 0.0009851467239339379,
      FALSE
    ) AS in_sh_near_london,
    COALESCE(
      SIN((
        CAST(location_lat AS DOUBLE) - 0
      ) * 0.008726646259971648) * SIN((
        CAST(location_lat AS DOUBLE) - 0
      ) * 0.008726646259971648) + COS(CAST(location_lat AS DOUBLE) * 0.017453292519943296) * 1 * SIN((
        CAST(location_lon AS DOUBLE) - 179.9
      ) * 0.008726646259971648) * SIN((
        CAST(location_lon AS DOUBLE) - 179.9
      ) * 0.008726646259971648) <= 0.0000153978964862913,
      FALSE
    ) AS in_sh_near_antimeridian,
    COALESCE(
      SIN((
        CAST(location_lat AS DOUBLE) - 90
      ) * 0.008726646259971648) * SIN((
        CAST(location_lat AS DOUBLE) - 90
      ) * 0.008726646259971648) + COS(CAST(location_lat AS DOUBLE) * 0.017453292519943296) * 0.00000000000000006123233995736766 * SIN((
        CAST(location_lon AS DOUBLE) - 0
      ) * 0.008726646259971648) * SIN((
        CAST(location_lon AS DOUBLE) - 0
      ) * 0.008726646259971648) <= 0.0000024636742075763563,
      FALSE
    ) AS in_sh_near_north_pole,
    COALESCE(
      SIN((
        CAST(location_lat AS DOUBLE) - -90
      ) * 0.008726646259971648) * SIN((
        CAST(location_lat AS DOUBLE) - -90
      ) * 0.008726646259971648) + COS(CAST(location_lat AS DOUBLE) * 0.017453292519943296) * 0.00000000000000006123233995736766 * SIN((
        CAST(location_lon AS DOUBLE) - 100
      ) * 0.008726646259971648) * SIN((
        CAST(location_lon AS DOUBLE) - 100
      ) * 0.008726646259971648) <= 0.000000006159202266844849,
      FALSE
    ) AS in_sh_near_south_pole,
    COALESCE(
      NOT CAST(location_lat AS DOUBLE) IS NULL
      AND NOT CAST(location_lon AS DOUBLE) IS NULL,
      FALSE
    ) AS in_sh_globe,
    COALESCE(
      SIN((
        CAST(location_lat AS DOUBLE) - 0
      ) * 0.008726646259971648) * SIN((
        CAST(location_lat AS DOUBLE) - 0
      ) * 0.008726646259971648) + COS(CAST(location_lat AS DOUBLE) * 0.017453292519943296) * 1 * SIN((
        CAST(location_lon AS DOUBLE) - 0
      ) * 0.008726646259971648) * SIN((
        CAST(location_lon AS DOUBLE) - 0
      ) * 0.008726646259971648) <= 0.9999999999193345,
      FALSE
    ) AS in_sh_almost_globe,
    COALESCE(
      SIN((
        CAST(location_lat AS DOUBLE) - 48.8566
      ) * 0.008726646259971648) * SIN((
        CAST(location_lat AS DOUBLE) - 48.8566
      ) * 0.008726646259971648) + COS(CAST(location_lat AS DOUBLE) * 0.017453292519943296) * 0.6579458609946129 * SIN((
        CAST(location_lon AS DOUBLE) - 2.3522
      ) * 0.008726646259971648) * SIN((
        CAST(location_lon AS DOUBLE) - 2.3522
      ) * 0.008726646259971648) <= 0.0000153978964862913,
      FALSE
    )
    AND (
      NOT country IS NULL
      AND NOT rank_2_value IS NULL
      AND rank_2_better * 100 < 40 * rank_2_n
    ) AS in_sh_near_paris_top,
    SUBSTRING(MD5(CONCAT('sh_sample_50:', CAST(shopper_id AS CHAR))), 1, 8) < '80000000' AS in_sh_sample_50,
    SUBSTRING(MD5(CONCAT('spring-2026:', CAST(shopper_id AS CHAR))), 1, 8) < '4ccccccc' AS in_sh_sample_seeded,
    NOT SUBSTRING(MD5(CONCAT('holdout:', CAST(shopper_id AS CHAR))), 1, 8) < '80000000' AS in_sh_not_sample,
    SUBSTRING(MD5(CONCAT('x:', CAST(shopper_id AS CHAR))), 1, 8) < '99999999'
    AND COALESCE(
      SIN((
        CAST(location_lat AS DOUBLE) - 51.5074
      ) * 0.008726646259971648) * SIN((
        CAST(location_lat AS DOUBLE) - 51.5074
      ) * 0.008726646259971648) + COS(CAST(location_lat AS DOUBLE) * 0.017453292519943296) * 0.6224135541865977 * SIN((
        CAST(location_lon AS DOUBLE) - -0.1278
      ) * 0.008726646259971648) * SIN((
        CAST(location_lon AS DOUBLE) - -0.1278
      ) * 0.008726646259971648) <= 0.0009851467239339379,
      FALSE
    ) AS in_sh_sample_near_london,
    SUBSTRING(MD5(CONCAT('y:', CAST(shopper_id AS CHAR))), 1, 8) < '33333333'
    OR (
      NOT country IS NULL
      AND NOT rank_1_value IS NULL
      AND rank_1_better * 100 < 20 * rank_1_n
    ) AS in_sh_sample_or_top
  FROM ranked
)
SELECT
  shopper_id,
  in_sh_ordered_30_to_7 AS sh_ordered_30_to_7,
  in_sh_not_ordered_30_to_7 AS sh_not_ordered_30_to_7,
  in_sh_orders_2m_to_1m AS sh_orders_2m_to_1m,
  in_sh_spend_30_to_7 AS sh_spend_30_to_7,
  in_sh_avg_30_to_7 AS sh_avg_30_to_7,
  in_sh_min_30_to_7 AS sh_min_30_to_7,
  in_sh_max_paid_30_to_7 AS sh_max_paid_30_to_7,
  in_sh_skus_60_to_1 AS sh_skus_60_to_1,
  in_sh_first_order_90_to_20 AS sh_first_order_90_to_20,
  in_sh_last_order_30_to_7 AS sh_last_order_30_to_7,
  in_sh_no_order_30_to_7 AS sh_no_order_30_to_7,
  in_sh_visits_7_to_1 AS sh_visits_7_to_1,
  in_sh_visit_2w_to_1w AS sh_visit_2w_to_1w,
  in_sh_between_30_and_0 AS sh_between_30_and_0,
  in_sh_in_last_30 AS sh_in_last_30,
  in_sh_win_back AS sh_win_back,
  in_sh_measure_window AS sh_measure_window,
  in_sh_cart_then_order AS sh_cart_then_order,
  in_sh_abandoned AS sh_abandoned,
  in_sh_abandoned_7d AS sh_abandoned_7d,
  in_sh_not_cart_then_order AS sh_not_cart_then_order,
  in_sh_not_abandoned AS sh_not_abandoned,
  in_sh_cart_then_order_1w AS sh_cart_then_order_1w,
  in_sh_big_cart_then_paid AS sh_big_cart_then_paid,
  in_sh_cart_then_no_paid AS sh_cart_then_no_paid,
  in_sh_offset_cart_then_order AS sh_offset_cart_then_order,
  in_sh_offset_abandoned AS sh_offset_abandoned,
  in_sh_cart_then_cart AS sh_cart_then_cart,
  in_sh_view_then_view AS sh_view_then_view,
  in_sh_view_then_no_view AS sh_view_then_no_view,
  in_sh_view_then_cart AS sh_view_then_cart,
  in_sh_view_missing_then_b AS sh_view_missing_then_b,
  in_sh_late_cart_then_order AS sh_late_cart_then_order,
  in_sh_visit_then_visit AS sh_visit_then_visit,
  in_sh_visit_then_visit_2d AS sh_visit_then_visit_2d,
  in_sh_visit_then_no_visit AS sh_visit_then_no_visit,
  in_sh_visit_7d_then_no_visit AS sh_visit_7d_then_no_visit,
  in_sh_abandoned_and_spender AS sh_abandoned_and_spender,
  in_sh_abandoned_or_near AS sh_abandoned_or_near,
  in_sh_visit_offset_then_visit AS sh_visit_offset_then_visit,
  in_sh_near_paris AS sh_near_paris,
  in_sh_abandoned AND NOT in_sh_near_paris AS sh_abandoned_far,
  in_sh_two_sequences AS sh_two_sequences,
  in_sh_top_20_per_country AS sh_top_20_per_country,
  in_sh_top_40_per_country AS sh_top_40_per_country,
  in_sh_bottom_25_per_country AS sh_bottom_25_per_country,
  in_sh_bottom_50_per_country AS sh_bottom_50_per_country,
  in_sh_top_10_spend AS sh_top_10_spend,
  in_sh_top_orders_per_tier AS sh_top_orders_per_tier,
  in_sh_top_country_and_ordered AS sh_top_country_and_ordered,
  in_sh_not_top_per_country AS sh_not_top_per_country,
  in_sh_not_near_paris AS sh_not_near_paris,
  in_sh_near_london AS sh_near_london,
  in_sh_near_antimeridian AS sh_near_antimeridian,
  in_sh_near_north_pole AS sh_near_north_pole,
  in_sh_near_south_pole AS sh_near_south_pole,
  in_sh_globe AS sh_globe,
  in_sh_almost_globe AS sh_almost_globe,
  in_sh_near_paris_top AS sh_near_paris_top,
  in_sh_sample_50 AS sh_sample_50,
  in_sh_sample_seeded AS sh_sample_seeded,
  in_sh_not_sample AS sh_not_sample,
  in_sh_sample_near_london AS sh_sample_near_london,
  in_sh_sample_or_top AS sh_sample_or_top
FROM segments_1
