WITH agg_orders AS (
  SELECT
    customer_id,
    SUM(
      CASE
        WHEN ordered_at > CAST('2026-01-01 00:00:00' AS TIMESTAMP)
        AND ordered_at <= CAST('2026-05-31 00:00:00' AS TIMESTAMP)
        THEN 1
        ELSE 0
      END
    ) AS purchase_count_180d_to30d,
    SUM(CASE WHEN ordered_at > CAST('2025-06-30 00:00:00' AS TIMESTAMP) THEN amount END) AS purchase_sum_amount_365d,
    COUNT(*) AS purchase_count,
    SUM(
      CASE WHEN ordered_at > CAST('2026-04-01 00:00:00' AS TIMESTAMP) THEN 1 ELSE 0 END
    ) AS purchase_count_90d,
    SUM(
      CASE
        WHEN ordered_at > CAST('2026-05-31 00:00:00' AS TIMESTAMP)
        AND (
          status = 'paid' AND amount >= 10
        )
        THEN 1
        ELSE 0
      END
    ) AS purchase_count_30d_if,
    SUM(
      CASE
        WHEN ordered_at > CAST('2026-05-31 00:00:00' AS TIMESTAMP) AND status = 'paid'
        THEN 1
        ELSE 0
      END
    ) AS purchase_count_30d_if_2,
    SUM(CASE WHEN status = 'paid' THEN amount END) AS purchase_sum_amount_if,
    AVG(amount) AS purchase_avg_amount,
    COUNT(DISTINCT sku) AS purchase_distinct_sku,
    MAX(
      CASE WHEN ordered_at > CAST('2025-06-30 00:00:00' AS TIMESTAMP) THEN quantity END
    ) AS purchase_max_quantity_365d,
    MIN(amount) AS purchase_min_amount,
    MAX(ordered_at) AS purchase_last,
    MIN(ordered_at) AS purchase_first,
    SUM(
      CASE WHEN ordered_at > CAST('2026-05-30 00:00:00' AS TIMESTAMP) THEN 1 ELSE 0 END
    ) AS purchase_count_1m,
    SUM(
      CASE WHEN ordered_at >= CAST('2026-06-02 00:00:00' AS TIMESTAMP) THEN 1 ELSE 0 END
    ) AS purchase_count_if,
    SUM(
      CASE WHEN ordered_at > CAST('2026-02-28 00:00:00' AS TIMESTAMP) THEN 1 ELSE 0 END
    ) AS purchase_count_4m,
    MAX(amount) AS purchase_max_amount,
    SUM(CASE WHEN NOT COALESCE(status = 'paid', FALSE) THEN 1 ELSE 0 END) AS purchase_count_if_2,
    AVG(
      CASE
        WHEN ordered_at > CAST('2026-05-31 00:00:00' AS TIMESTAMP) AND status = 'paid'
        THEN amount
      END
    ) AS purchase_avg_amount_30d_if,
    SUM(
      CASE WHEN ordered_at > CAST('2026-04-01 00:00:00' AS TIMESTAMP) THEN quantity END
    ) AS purchase_sum_quantity_90d
  FROM orders
  WHERE
    ordered_at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
  GROUP BY
    customer_id
), agg_store_visits AS (
  SELECT
    customer_id,
    SUM(
      CASE
        WHEN visit_date > CAST('2026-06-23' AS DATE)
        AND visit_date <= CAST('2026-06-29' AS DATE)
        THEN 1
        ELSE 0
      END
    ) AS store_visit_count_7d_to1d,
    SUM(CASE WHEN visit_date > CAST('2026-06-29' AS DATE) THEN 1 ELSE 0 END) AS store_visit_count_1d,
    SUM(CASE WHEN visit_date > CAST('2026-06-23' AS DATE) THEN 1 ELSE 0 END) AS store_visit_count_7d,
    MAX(visit_date) AS store_visit_last,
    SUM(CASE WHEN visit_date = CAST('2026-06-28' AS DATE) THEN 1 ELSE 0 END) AS store_visit_count_if,
    MIN(visit_date) AS store_visit_first
  FROM store_visits
  WHERE
    visit_date <= CAST('2026-06-30' AS DATE)
  GROUP BY
    customer_id
), agg_events AS (
  SELECT
    user_id,
    SUM(
      CASE
        WHEN event_name = 'page_view'
        AND ts > CAST('2026-05-31 00:00:00' AS TIMESTAMP)
        AND LOCATE(LOWER('pricing'), LOWER(page)) > 0
        THEN 1
        ELSE 0
      END
    ) AS page_view_count_30d_if,
    SUM(
      CASE
        WHEN event_name = 'add_to_cart' AND ts > CAST('2026-06-23 00:00:00' AS TIMESTAMP)
        THEN 1
        ELSE 0
      END
    ) AS add_to_cart_count_7d,
    SUM(
      CASE
        WHEN event_name = 'page_view' AND ts > CAST('2026-06-23 00:00:00' AS TIMESTAMP)
        THEN 1
        ELSE 0
      END
    ) AS page_view_count_7d,
    SUM(CASE WHEN event_name = 'page_view' THEN 1 ELSE 0 END) AS page_view_count,
    SUM(CASE WHEN event_name = 'add_to_cart' THEN 1 ELSE 0 END) AS add_to_cart_count,
    SUM(
      CASE
        WHEN event_name = 'add_to_cart'
        AND ts > CAST('2026-06-16 00:00:00' AS TIMESTAMP)
        AND SUBSTRING(LOWER(page), 1, 4) = LOWER('/SHO')
        THEN 1
        ELSE 0
      END
    ) AS add_to_cart_count_2w_if,
    COUNT(DISTINCT CASE WHEN event_name = 'page_view' THEN page END) AS page_view_distinct_page,
    MAX(CASE WHEN event_name = 'page_view' THEN ts END) AS page_view_last,
    MAX(CASE WHEN event_name = 'page_view' AND ts = page_view_last_page_at THEN page END) AS page_view_last_page,
    MIN(
      CASE
        WHEN event_name = 'add_to_cart'
        AND NOT page IS NULL
        AND add_to_cart_most_frequent_page_cnt = add_to_cart_most_frequent_page_top
        THEN page
      END
    ) AS add_to_cart_most_frequent_page,
    MAX(
      CASE
        WHEN (
          event_name = 'page_view' AND ts > CAST('2026-05-31 00:00:00' AS TIMESTAMP)
        )
        AND ts = page_view_first_page_30d_at
        THEN page
      END
    ) AS page_view_first_page_30d
  FROM (
    SELECT
      *,
      MAX(
        CASE
          WHEN event_name = 'add_to_cart' AND NOT page IS NULL
          THEN add_to_cart_most_frequent_page_cnt
        END
      ) OVER (PARTITION BY user_id) AS add_to_cart_most_frequent_page_top
    FROM (
      SELECT
        *,
        MAX(CASE WHEN event_name = 'page_view' THEN ts END) OVER (PARTITION BY user_id) AS page_view_last_page_at,
        SUM(CASE WHEN event_name = 'add_to_cart' AND NOT page IS NULL THEN 1 ELSE 0 END) OVER (PARTITION BY user_id, page) AS add_to_cart_most_frequent_page_cnt,
        MIN(
          CASE
            WHEN event_name = 'page_view' AND ts > CAST('2026-05-31 00:00:00' AS TIMESTAMP)
            THEN ts
          END
        ) OVER (PARTITION BY user_id) AS page_view_first_page_30d_at
      FROM events
      WHERE
        (
          event_name = 'page_view' AND ts <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
        )
        OR (
          event_name = 'add_to_cart' AND ts <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
        )
    ) AS ev_rows
  ) AS ev_ranked
  GROUP BY
    user_id
), add_to_cart_then_not_purchase AS (
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
        customer_id AS seq_key,
        ordered_at AS seq_ts,
        0 AS seq_tag
      FROM orders
      WHERE
        ordered_at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
      UNION ALL
      SELECT
        user_id AS seq_key,
        ts AS seq_ts,
        1 AS seq_tag
      FROM events
      WHERE
        event_name = 'add_to_cart'
        AND ts <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
        AND ts <= CAST('2026-06-29 00:00:00' AS TIMESTAMP)
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), add_to_cart_then_page_view AS (
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
    e.income,
    e.country,
    e.age,
    e.is_subscribed,
    e.signup_date,
    e.last_seen,
    e.name AS full_name,
    e.email,
    e.interests,
    e.lucky_numbers,
    COALESCE(agg_orders.purchase_count_180d_to30d, 0) AS purchase_count_180d_to30d,
    COALESCE(agg_orders.purchase_sum_amount_365d, 0) AS purchase_sum_amount_365d,
    COALESCE(agg_orders.purchase_count, 0) AS purchase_count,
    COALESCE(agg_orders.purchase_count_90d, 0) AS purchase_count_90d,
    COALESCE(agg_orders.purchase_count_30d_if, 0) AS purchase_count_30d_if,
    COALESCE(agg_orders.purchase_count_30d_if_2, 0) AS purchase_count_30d_if_2,
    COALESCE(agg_orders.purchase_sum_amount_if, 0) AS purchase_sum_amount_if,
    agg_orders.purchase_avg_amount AS purchase_avg_amount,
    COALESCE(agg_orders.purchase_distinct_sku, 0) AS purchase_distinct_sku,
    agg_orders.purchase_max_quantity_365d AS purchase_max_quantity_365d,
    agg_orders.purchase_min_amount AS purchase_min_amount,
    agg_orders.purchase_last AS purchase_last,
    agg_orders.purchase_first AS purchase_first,
    COALESCE(agg_orders.purchase_count_1m, 0) AS purchase_count_1m,
    COALESCE(agg_orders.purchase_count_if, 0) AS purchase_count_if,
    COALESCE(agg_orders.purchase_count_4m, 0) AS purchase_count_4m,
    agg_orders.purchase_max_amount AS purchase_max_amount,
    COALESCE(agg_orders.purchase_count_if_2, 0) AS purchase_count_if_2,
    agg_orders.purchase_avg_amount_30d_if AS purchase_avg_amount_30d_if,
    COALESCE(agg_orders.purchase_sum_quantity_90d, 0) AS purchase_sum_quantity_90d,
    COALESCE(agg_store_visits.store_visit_count_7d_to1d, 0) AS store_visit_count_7d_to1d,
    COALESCE(agg_store_visits.store_visit_count_1d, 0) AS store_visit_count_1d,
    COALESCE(agg_store_visits.store_visit_count_7d, 0) AS store_visit_count_7d,
    agg_store_visits.store_visit_last AS store_visit_last,
    COALESCE(agg_store_visits.store_visit_count_if, 0) AS store_visit_count_if,
    agg_store_visits.store_visit_first AS store_visit_first,
    COALESCE(agg_events.page_view_count_30d_if, 0) AS page_view_count_30d_if,
    COALESCE(agg_events.add_to_cart_count_7d, 0) AS add_to_cart_count_7d,
    COALESCE(agg_events.page_view_count_7d, 0) AS page_view_count_7d,
    COALESCE(agg_events.page_view_count, 0) AS page_view_count,
    COALESCE(agg_events.add_to_cart_count, 0) AS add_to_cart_count,
    COALESCE(agg_events.add_to_cart_count_2w_if, 0) AS add_to_cart_count_2w_if,
    COALESCE(agg_events.page_view_distinct_page, 0) AS page_view_distinct_page,
    agg_events.page_view_last AS page_view_last,
    agg_events.page_view_last_page AS page_view_last_page,
    agg_events.add_to_cart_most_frequent_page AS add_to_cart_most_frequent_page,
    agg_events.page_view_first_page_30d AS page_view_first_page_30d,
    COALESCE(add_to_cart_then_not_purchase.seq_hit, 0) AS add_to_cart_then_not_purchase,
    COALESCE(add_to_cart_then_page_view.seq_hit, 0) AS add_to_cart_then_page_view
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
  LEFT JOIN agg_store_visits
    ON e.customer_id = agg_store_visits.customer_id
  LEFT JOIN agg_events
    ON e.customer_id = agg_events.user_id
  LEFT JOIN add_to_cart_then_not_purchase
    ON e.customer_id = add_to_cart_then_not_purchase.seq_key
  LEFT JOIN add_to_cart_then_page_view
    ON e.customer_id = add_to_cart_then_page_view.seq_key
), valued AS (
  SELECT
    *,
    income AS rank_1_value,
    purchase_sum_amount_365d AS rank_2_value,
    purchase_sum_amount_365d AS rank_3_value,
    income AS rank_4_value,
    age AS rank_5_value,
    income AS rank_6_value,
    age AS rank_7_value,
    age AS rank_8_value,
    CAST(purchase_sum_amount_365d AS DOUBLE) / NULLIF(purchase_count_90d, 0) AS rank_9_value,
    purchase_sum_amount_365d AS rank_10_value,
    income AS rank_11_value
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
    SUM(COUNT(*)) OVER (PARTITION BY country ORDER BY rank_2_value ASC) - COUNT(*) AS better,
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
    SUM(COUNT(*)) OVER (ORDER BY rank_3_value DESC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER () AS n
  FROM valued
  WHERE
    NOT rank_3_value IS NULL
  GROUP BY
    rank_3_value
), ranks_4 AS (
  SELECT
    rank_4_value AS v,
    SUM(COUNT(*)) OVER (ORDER BY rank_4_value ASC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER () AS n
  FROM valued
  WHERE
    NOT rank_4_value IS NULL
  GROUP BY
    rank_4_value
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
    SUM(COUNT(*)) OVER (ORDER BY rank_6_value DESC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER () AS n
  FROM valued
  WHERE
    NOT rank_6_value IS NULL
  GROUP BY
    rank_6_value
), ranks_7 AS (
  SELECT
    rank_7_value AS v,
    SUM(COUNT(*)) OVER (ORDER BY rank_7_value DESC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER () AS n
  FROM valued
  WHERE
    NOT rank_7_value IS NULL
  GROUP BY
    rank_7_value
), ranks_8 AS (
  SELECT
    rank_8_value AS v,
    SUM(COUNT(*)) OVER (ORDER BY rank_8_value DESC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER () AS n
  FROM valued
  WHERE
    NOT rank_8_value IS NULL
  GROUP BY
    rank_8_value
), ranks_9 AS (
  SELECT
    rank_9_value AS v,
    SUM(COUNT(*)) OVER (ORDER BY rank_9_value DESC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER () AS n
  FROM valued
  WHERE
    NOT rank_9_value IS NULL
  GROUP BY
    rank_9_value
), ranks_10 AS (
  SELECT
    rank_10_value AS v,
    SUM(COUNT(*)) OVER (ORDER BY rank_10_value ASC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER () AS n
  FROM valued
  WHERE
    NOT rank_10_value IS NULL
  GROUP BY
    rank_10_value
), ranks_11 AS (
  SELECT
    rank_11_value AS v,
    SUM(COUNT(*)) OVER (ORDER BY rank_11_value DESC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER () AS n
  FROM valued
  WHERE
    NOT rank_11_value IS NULL
  GROUP BY
    rank_11_value
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
    ranks_6.n AS rank_6_n,
    ranks_7.better AS rank_7_better,
    ranks_7.n AS rank_7_n,
    ranks_8.better AS rank_8_better,
    ranks_8.n AS rank_8_n,
    ranks_9.better AS rank_9_better,
    ranks_9.n AS rank_9_n,
    ranks_10.better AS rank_10_better,
    ranks_10.n AS rank_10_n,
    ranks_11.better AS rank_11_better,
    ranks_11.n AS rank_11_n
  FROM valued
  LEFT JOIN ranks_1
    ON valued.rank_1_value = ranks_1.v AND valued.country = ranks_1.g
  LEFT JOIN ranks_2
    ON valued.rank_2_value = ranks_2.v AND valued.country = ranks_2.g
  LEFT JOIN ranks_3
    ON valued.rank_3_value = ranks_3.v
  LEFT JOIN ranks_4
    ON valued.rank_4_value = ranks_4.v
  LEFT JOIN ranks_5
    ON valued.rank_5_value = ranks_5.v
  LEFT JOIN ranks_6
    ON valued.rank_6_value = ranks_6.v
  LEFT JOIN ranks_7
    ON valued.rank_7_value = ranks_7.v
  LEFT JOIN ranks_8
    ON valued.rank_8_value = ranks_8.v
  LEFT JOIN ranks_9
    ON valued.rank_9_value = ranks_9.v
  LEFT JOIN ranks_10
    ON valued.rank_10_value = ranks_10.v
  LEFT JOIN ranks_11
    ON valued.rank_11_value = ranks_11.v
), segments_1 AS (
  SELECT
    *,
    purchase_count_180d_to30d >= 1 AS in_cu_bought_180_to_30,
    store_visit_count_7d_to1d >= 1 AS in_cu_visits_7_to_1,
    add_to_cart_then_not_purchase = 1 AS in_cu_cart_then_no_purchase,
    add_to_cart_then_page_view = 1 AS in_cu_cart_then_view,
    NOT country IS NULL
    AND NOT rank_1_value IS NULL
    AND rank_1_better * 100 < 50 * rank_1_n AS in_cu_top_income_per_country,
    NOT country IS NULL
    AND NOT rank_2_value IS NULL
    AND rank_2_better * 100 < 20 * rank_2_n AS in_cu_bottom_spend_per_country,
    SUBSTRING(MD5(CONCAT('cu_sample_25:', CAST(customer_id AS STRING))), 1, 8) < '40000000' AS in_cu_sample_25,
    SUBSTRING(MD5(CONCAT('holdout-2026:', CAST(customer_id AS STRING))), 1, 8) < '80000000' AS in_cu_sample_seeded,
    purchase_count >= 1
    AND NOT SUBSTRING(MD5(CONCAT('holdout-2026:', CAST(customer_id AS STRING))), 1, 8) < '19999999' AS in_cu_holdout_buyers,
    COALESCE(age = 30, FALSE) AS in_age_eq,
    NOT COALESCE(age = 30, FALSE) AS in_age_ne,
    COALESCE(age < 30, FALSE) AS in_age_lt,
    COALESCE(age <= 30, FALSE) AS in_age_le,
    COALESCE(age > 30, FALSE) AS in_age_gt,
    COALESCE(age >= 30, FALSE) AS in_age_ge,
    COALESCE(age BETWEEN 25 AND 34, FALSE) AS in_age_range,
    COALESCE(age >= 30, FALSE) AS in_age_open_low,
    COALESCE(age <= 30, FALSE) AS in_age_open_high,
    COALESCE(age BETWEEN 25 AND 34, FALSE) AS in_age_between,
    COALESCE(income > 50000.5, FALSE) AS in_income_decimal,
    COALESCE(income BETWEEN -10 AND 10, FALSE) AS in_income_negative,
    COALESCE(country = 'US', FALSE) AS in_country_us,
    NOT COALESCE(country = 'US', FALSE) AS in_country_not_us,
    COALESCE(country IN ('US', 'CA'), FALSE) AS in_country_in,
    NOT COALESCE(country IN ('US', 'CA'), FALSE) AS in_country_not_in,
    FALSE AS in_country_in_empty,
    NOT country IS NULL AS in_country_set,
    country IS NULL AS in_country_missing,
    country IS NULL AS in_country_null,
    NOT country IS NULL AS in_country_not_null,
    COALESCE(is_subscribed = TRUE, FALSE) AS in_subscribed,
    NOT COALESCE(is_subscribed = TRUE, FALSE) AS in_not_subscribed,
    COALESCE(is_subscribed = FALSE, FALSE) AS in_subscribed_false,
    COALESCE(
      signup_date BETWEEN CAST('2024-01-01' AS DATE) AND CAST('2024-12-31' AS DATE),
      FALSE
    ) AS in_signup_2024,
    COALESCE(signup_date > CAST('2025-06-01' AS DATE), FALSE) AS in_signup_after,
    COALESCE(signup_date < CAST('2025-06-01' AS DATE), FALSE) AS in_signup_before_ts,
    COALESCE(last_seen >= CAST('2026-06-29 00:00:00' AS TIMESTAMP), FALSE)
    AND COALESCE(last_seen < CAST('2026-06-30 00:00:00' AS TIMESTAMP), FALSE) AS in_seen_on_day,
    COALESCE(last_seen >= CAST('2026-06-30 00:00:00' AS TIMESTAMP), FALSE) AS in_seen_after_day,
    COALESCE(last_seen < CAST('2026-06-29 12:00:00' AS TIMESTAMP), FALSE) AS in_seen_before_instant,
    COALESCE(last_seen >= CAST('2026-06-01 00:00:00' AS TIMESTAMP), FALSE)
    AND COALESCE(last_seen < CAST('2026-06-30 00:00:00' AS TIMESTAMP), FALSE) AS in_seen_range_days,
    COALESCE(SUBSTRING(LOWER(full_name), 1, 2) = LOWER('an'), FALSE) AS in_full_name_starts,
    COALESCE(SUBSTRING(LOWER(full_name), 1, 5) = LOWER('émile'), FALSE) AS in_name_accent,
    (
      COALESCE(last_seen >= CAST('2026-06-29 00:00:00' AS TIMESTAMP), FALSE)
      AND COALESCE(last_seen < CAST('2026-06-30 00:00:00' AS TIMESTAMP), FALSE)
    )
    OR (
      COALESCE(last_seen >= CAST('2026-06-30 00:00:00' AS TIMESTAMP), FALSE)
      AND COALESCE(last_seen < CAST('2026-07-01 00:00:00' AS TIMESTAMP), FALSE)
    ) AS in_seen_on_days,
    NOT (
      COALESCE(last_seen >= CAST('2026-06-29 00:00:00' AS TIMESTAMP), FALSE)
      AND COALESCE(last_seen < CAST('2026-06-30 00:00:00' AS TIMESTAMP), FALSE)
    ) AS in_seen_not_on_day,
    COALESCE(-income > 5, FALSE) AS in_neg_income,
    COALESCE(CAST(income AS DOUBLE) / NULLIF(age, 0) > 3000, FALSE) AS in_income_per_year,
    COALESCE(
      signup_date BETWEEN CAST('2026-06-29' AS DATE) AND CAST('2026-06-30' AS DATE),
      FALSE
    ) AS in_signup_ts_range,
    COALESCE(signup_date IN (CAST('2026-06-30' AS DATE), CAST('2025-06-01' AS DATE)), FALSE) AS in_signup_ts_in,
    NOT rank_3_value IS NULL AND rank_3_better * 100 < 20 * rank_3_n AS in_top_20_spend,
    NOT rank_4_value IS NULL AND rank_4_better * 100 < 10 * rank_4_n AS in_bottom_10_income,
    NOT rank_5_value IS NULL AND rank_5_better * 100 < 50 * rank_5_n AS in_top_half_age,
    NOT rank_6_value IS NULL AND rank_6_better * 200 < 5 * rank_6_n AS in_top_2_5_income,
    NOT rank_7_value IS NULL AND rank_7_better * 100 < 100 * rank_7_n AS in_top_all,
    NOT rank_8_value IS NULL AND rank_8_better * 100 < 0 * rank_8_n AS in_top_none,
    NOT rank_9_value IS NULL AND rank_9_better * 100 < 25 * rank_9_n AS in_top_ratio,
    COALESCE(age < 35, FALSE) AS in_young,
    (
      COALESCE(age BETWEEN 25 AND 34, FALSE) OR COALESCE(income > 80000, FALSE)
    )
    AND NOT (
      COALESCE(country IN ('US'), FALSE) OR COALESCE(is_subscribed = TRUE, FALSE)
    ) AS in_complex,
    COALESCE(age > 30, FALSE) AS in_deep_not,
    NOT rank_10_value IS NULL AND rank_10_better * 100 < 10 * rank_10_n AS in_bottom_10_spend,
    NOT rank_11_value IS NULL AND rank_11_better * 200 < 25 * rank_11_n AS in_top_12_5_income,
    COALESCE(LOCATE(LOWER('EXAMPLE'), LOWER(email)) > 0, FALSE) AS in_email_contains,
    COALESCE(
      LENGTH(LOWER(email)) >= 4
      AND SUBSTRING(LOWER(email), LENGTH(LOWER(email)) - 4 + 1) = LOWER('.com'),
      FALSE
    ) AS in_email_ends,
    COALESCE(LOCATE(LOWER('%'), LOWER(email)) > 0, FALSE) AS in_email_percent,
    COALESCE(SUBSTRING(LOWER(email), 1, 2) = LOWER('a_'), FALSE) AS in_email_underscore,
    NOT COALESCE(LOCATE(LOWER('example'), LOWER(email)) > 0, FALSE) AS in_email_not_contains,
    COALESCE(ARRAY_CONTAINS(interests, 'running'), FALSE) AS in_likes_running,
    COALESCE(ARRAY_CONTAINS(interests, 'running') OR ARRAY_CONTAINS(interests, 'yoga'), FALSE) AS in_likes_any,
    COALESCE(ARRAY_CONTAINS(interests, 'running') AND ARRAY_CONTAINS(interests, 'yoga'), FALSE) AS in_likes_all,
    NOT COALESCE(ARRAY_CONTAINS(interests, 'running') OR ARRAY_CONTAINS(interests, 'yoga'), FALSE) AS in_likes_none,
    COALESCE(FALSE, FALSE) AS in_likes_any_empty,
    COALESCE(NOT interests IS NULL, FALSE) AS in_likes_all_empty,
    COALESCE(ARRAY_CONTAINS(lucky_numbers, 7), FALSE) AS in_lucky_seven,
    COALESCE(
      LENGTH(LOWER(email)) >= 4
      AND SUBSTRING(LOWER(email), LENGTH(LOWER(email)) - 4 + 1) = LOWER('.COM'),
      FALSE
    ) AS in_email_ends_upper,
    COALESCE(ARRAY_CONTAINS(lucky_numbers, 3) AND ARRAY_CONTAINS(lucky_numbers, 7), FALSE) AS in_lucky_all,
    NOT COALESCE(ARRAY_CONTAINS(lucky_numbers, 7), FALSE) AS in_lucky_none,
    COALESCE(
      last_seen > CAST('2026-06-23 00:00:00' AS TIMESTAMP)
      AND last_seen <= CAST('2026-06-30 00:00:00' AS TIMESTAMP),
      FALSE
    ) AS in_seen_last_7d,
    NOT COALESCE(
      last_seen > CAST('2026-06-23 00:00:00' AS TIMESTAMP)
      AND last_seen <= CAST('2026-06-30 00:00:00' AS TIMESTAMP),
      FALSE
    ) AS in_seen_not_last_7d,
    COALESCE(
      signup_date > CAST('2026-06-29' AS DATE)
      AND signup_date <= CAST('2026-06-30' AS DATE),
      FALSE
    ) AS in_signup_last_1d,
    COALESCE(
      signup_date > CAST('2026-05-30' AS DATE)
      AND signup_date <= CAST('2026-06-30' AS DATE),
      FALSE
    ) AS in_signup_last_month,
    COALESCE(
      last_seen > CAST('2026-06-16 00:00:00' AS TIMESTAMP)
      AND last_seen <= CAST('2026-06-30 00:00:00' AS TIMESTAMP),
      FALSE
    ) AS in_seen_last_2w,
    COALESCE(
      last_seen > CAST('2025-06-30 00:00:00' AS TIMESTAMP)
      AND last_seen <= CAST('2026-06-30 00:00:00' AS TIMESTAMP),
      FALSE
    ) AS in_seen_last_year,
    COALESCE(last_seen < CAST('2026-05-31 00:00:00' AS TIMESTAMP), FALSE) AS in_seen_before_30d_ago,
    COALESCE(signup_date > CAST('2026-05-30' AS DATE), FALSE) AS in_signup_after_1m_ago,
    purchase_count_90d >= 1 AS in_bought_90d,
    NOT purchase_count_90d >= 1 AS in_not_bought_90d,
    purchase_count >= 1 AS in_bought_ever,
    purchase_count_30d_if >= 1 AS in_bought_paid_30d,
    purchase_count_90d > 3 AS in_frequent,
    purchase_count_30d_if_2 >= 2 AS in_count_30d_paid,
    purchase_sum_amount_365d >= 100 AS in_big_spender,
    purchase_sum_amount_if BETWEEN 50 AND 500 AS in_paid_spender,
    COALESCE(purchase_avg_amount > 40, FALSE) AS in_avg_order_high,
    purchase_avg_amount IS NULL AS in_no_avg,
    purchase_distinct_sku >= 2 AS in_distinct_skus,
    COALESCE(purchase_max_quantity_365d >= 3, FALSE) AS in_max_quantity,
    COALESCE(purchase_min_amount < 5, FALSE) AS in_min_amount,
    COALESCE(purchase_last < CAST('2026-01-01 00:00:00' AS TIMESTAMP), FALSE) AS in_lapsed,
    COALESCE(
      purchase_first > CAST('2026-05-31 00:00:00' AS TIMESTAMP)
      AND purchase_first <= CAST('2026-06-30 00:00:00' AS TIMESTAMP),
      FALSE
    ) AS in_new_buyer,
    purchase_last IS NULL AS in_never_bought,
    purchase_count_1m >= 1 AS in_month_window,
    page_view_count_30d_if >= 1 AS in_viewed_pricing,
    add_to_cart_count_7d > 0 AS in_carted,
    store_visit_count_1d >= 1 AS in_visited_store,
    store_visit_count_7d >= 2 AS in_visited_store_week,
    COALESCE(store_visit_last > CAST('2026-06-27' AS DATE), FALSE) AS in_store_recent,
    purchase_count_if >= 1 AS in_event_ts_condition,
    COALESCE(
      CAST(purchase_sum_amount_365d AS DOUBLE) / NULLIF(purchase_count_90d, 0) > 20,
      FALSE
    ) AS in_ratio,
    (
      (
        purchase_sum_amount_365d - purchase_sum_amount_if
      ) * 2
    ) + 1 > 10 AS in_arithmetic,
    COALESCE(
      signup_date > CAST('2026-02-28' AS DATE)
      AND signup_date <= CAST('2026-06-30' AS DATE),
      FALSE
    ) AS in_signup_last_4m,
    COALESCE(
      last_seen > CAST('2026-02-28 00:00:00' AS TIMESTAMP)
      AND last_seen <= CAST('2026-06-30 00:00:00' AS TIMESTAMP),
      FALSE
    ) AS in_seen_last_4m,
    purchase_count_4m >= 1 AS in_bought_4m,
    COALESCE(purchase_max_amount >= 1000, FALSE) AS in_max_amount_big,
    purchase_count_if_2 >= 1 AS in_unpaid_any,
    page_view_count_7d >= 1 AND NOT add_to_cart_count_7d >= 1 AS in_viewed_not_carted,
    page_view_count + add_to_cart_count >= 2 AS in_views_and_carts,
    CAST(purchase_sum_amount_365d AS DOUBLE) / NULLIF(purchase_count_90d, 0) IS NULL AS in_no_ratio,
    store_visit_count_if = 2 AS in_visits_on_day,
    add_to_cart_count_2w_if >= 1 AS in_carted_shoes,
    COALESCE(purchase_avg_amount_30d_if >= 20, FALSE) AS in_avg_paid_30d,
    page_view_distinct_page >= 1 AS in_distinct_pages,
    purchase_sum_quantity_90d >= 5 AS in_quantity_90d,
    COALESCE(
      store_visit_first > CAST('2026-06-23' AS DATE)
      AND store_visit_first <= CAST('2026-06-30' AS DATE),
      FALSE
    ) AS in_first_visit_week,
    COALESCE(
      page_view_last > CAST('2026-06-29 00:00:00' AS TIMESTAMP)
      AND page_view_last <= CAST('2026-06-30 00:00:00' AS TIMESTAMP),
      FALSE
    ) AS in_viewed_today,
    COALESCE(
      store_visit_last BETWEEN CAST('2026-06-28' AS DATE) AND CAST('2026-06-29' AS DATE),
      FALSE
    ) AS in_last_visit_ts_range,
    COALESCE(LOCATE(LOWER('pricing'), LOWER(page_view_last_page)) > 0, FALSE) AS in_last_page_pricing,
    COALESCE(SUBSTRING(LOWER(add_to_cart_most_frequent_page), 1, 4) = LOWER('/sho'), FALSE) AS in_favourite_cart_page_shoes,
    NOT page_view_first_page_30d IS NULL AS in_first_page_30d_set
  FROM ranked
)
SELECT
  customer_id,
  in_cu_bought_180_to_30 AS cu_bought_180_to_30,
  in_cu_visits_7_to_1 AS cu_visits_7_to_1,
  in_cu_cart_then_no_purchase AS cu_cart_then_no_purchase,
  in_cu_cart_then_view AS cu_cart_then_view,
  in_cu_top_income_per_country AS cu_top_income_per_country,
  in_cu_bottom_spend_per_country AS cu_bottom_spend_per_country,
  in_cu_sample_25 AS cu_sample_25,
  in_cu_sample_seeded AS cu_sample_seeded,
  in_cu_sample_seeded AND COALESCE(country = 'US', FALSE) AS cu_campaign,
  in_cu_sample_25 AS cu_in_sample_25,
  in_cu_holdout_buyers AS cu_holdout_buyers,
  in_age_eq AS age_eq,
  in_age_ne AS age_ne,
  in_age_lt AS age_lt,
  in_age_le AS age_le,
  in_age_gt AS age_gt,
  in_age_ge AS age_ge,
  in_age_range AS age_range,
  in_age_open_low AS age_open_low,
  in_age_open_high AS age_open_high,
  in_age_between AS age_between,
  in_income_decimal AS income_decimal,
  in_income_negative AS income_negative,
  in_country_us AS country_us,
  in_country_not_us AS country_not_us,
  in_country_in AS country_in,
  in_country_not_in AS country_not_in,
  in_country_in_empty AS country_in_empty,
  in_country_set AS country_set,
  in_country_missing AS country_missing,
  in_country_null AS country_null,
  in_country_not_null AS country_not_null,
  in_subscribed AS subscribed,
  in_not_subscribed AS not_subscribed,
  in_subscribed_false AS subscribed_false,
  in_signup_2024 AS signup_2024,
  in_signup_after AS signup_after,
  in_signup_before_ts AS signup_before_ts,
  in_seen_on_day AS seen_on_day,
  in_seen_after_day AS seen_after_day,
  in_seen_before_instant AS seen_before_instant,
  in_seen_range_days AS seen_range_days,
  in_full_name_starts AS full_name_starts,
  in_name_accent AS name_accent,
  in_seen_on_days AS seen_on_days,
  in_seen_not_on_day AS seen_not_on_day,
  in_neg_income AS neg_income,
  in_income_per_year AS income_per_year,
  in_signup_ts_range AS signup_ts_range,
  in_signup_ts_in AS signup_ts_in,
  in_top_20_spend AS top_20_spend,
  in_bottom_10_income AS bottom_10_income,
  in_top_half_age AS top_half_age,
  in_top_2_5_income AS top_2_5_income,
  in_top_all AS top_all,
  in_top_none AS top_none,
  in_top_ratio AS top_ratio,
  in_young AS young,
  in_young AND COALESCE(country = 'US', FALSE) AS young_us,
  NOT in_young AS not_young,
  in_young
  AND (
    NOT rank_3_value IS NULL AND rank_3_better * 100 < 20 * rank_3_n
  ) AS young_top,
  in_complex AS complex,
  in_deep_not AS deep_not,
  in_bottom_10_spend AS bottom_10_spend,
  NOT in_top_20_spend AS not_top_spend,
  in_top_12_5_income AS top_12_5_income,
  in_email_contains AS email_contains,
  in_email_ends AS email_ends,
  in_email_percent AS email_percent,
  in_email_underscore AS email_underscore,
  in_email_not_contains AS email_not_contains,
  in_likes_running AS likes_running,
  in_likes_any AS likes_any,
  in_likes_all AS likes_all,
  in_likes_none AS likes_none,
  in_likes_any_empty AS likes_any_empty,
  in_likes_all_empty AS likes_all_empty,
  in_lucky_seven AS lucky_seven,
  in_email_ends_upper AS email_ends_upper,
  in_lucky_all AS lucky_all,
  in_lucky_none AS lucky_none,
  in_seen_last_7d AS seen_last_7d,
  in_seen_not_last_7d AS seen_not_last_7d,
  in_signup_last_1d AS signup_last_1d,
  in_signup_last_month AS signup_last_month,
  in_seen_last_2w AS seen_last_2w,
  in_seen_last_year AS seen_last_year,
  in_seen_before_30d_ago AS seen_before_30d_ago,
  in_signup_after_1m_ago AS signup_after_1m_ago,
  in_bought_90d AS bought_90d,
  in_not_bought_90d AS not_bought_90d,
  in_bought_ever AS bought_ever,
  in_bought_paid_30d AS bought_paid_30d,
  in_frequent AS frequent,
  in_count_30d_paid AS count_30d_paid,
  in_big_spender AS big_spender,
  in_paid_spender AS paid_spender,
  in_avg_order_high AS avg_order_high,
  in_no_avg AS no_avg,
  in_distinct_skus AS distinct_skus,
  in_max_quantity AS max_quantity,
  in_min_amount AS min_amount,
  in_lapsed AS lapsed,
  in_new_buyer AS new_buyer,
  in_never_bought AS never_bought,
  in_month_window AS month_window,
  in_viewed_pricing AS viewed_pricing,
  in_carted AS carted,
  in_visited_store AS visited_store,
  in_visited_store_week AS visited_store_week,
  in_store_recent AS store_recent,
  in_event_ts_condition AS event_ts_condition,
  in_ratio AS ratio,
  in_arithmetic AS arithmetic,
  in_signup_last_4m AS signup_last_4m,
  in_seen_last_4m AS seen_last_4m,
  in_bought_4m AS bought_4m,
  in_max_amount_big AS max_amount_big,
  in_unpaid_any AS unpaid_any,
  in_viewed_not_carted AS viewed_not_carted,
  in_views_and_carts AS views_and_carts,
  in_no_ratio AS no_ratio,
  in_visits_on_day AS visits_on_day,
  in_carted_shoes AS carted_shoes,
  in_avg_paid_30d AS avg_paid_30d,
  in_distinct_pages AS distinct_pages,
  in_quantity_90d AS quantity_90d,
  in_first_visit_week AS first_visit_week,
  in_viewed_today AS viewed_today,
  in_last_visit_ts_range AS last_visit_ts_range,
  in_last_page_pricing AS last_page_pricing,
  in_favourite_cart_page_shoes AS favourite_cart_page_shoes,
  in_first_page_30d_set AS first_page_30d_set
FROM segments_1
