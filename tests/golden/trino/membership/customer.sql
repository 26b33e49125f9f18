WITH agg_orders AS (
  SELECT
    customer_id,
    SUM(CASE WHEN ordered_at > CAST('2025-06-30 00:00:00' AS TIMESTAMP) THEN amount END) AS purchase_sum_amount_365d,
    SUM(
      CASE WHEN ordered_at > CAST('2026-04-01 00:00:00' AS TIMESTAMP) THEN 1 ELSE 0 END
    ) AS purchase_count_90d,
    COUNT(*) AS purchase_count,
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
), agg_events AS (
  SELECT
    user_id,
    SUM(
      CASE
        WHEN event_name = 'page_view'
        AND ts > CAST('2026-05-31 00:00:00' AS TIMESTAMP)
        AND STRPOS(LOWER(page), LOWER('pricing')) > 0
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
        AND SUBSTR(LOWER(page), 1, 4) = LOWER('/SHO')
        THEN 1
        ELSE 0
      END
    ) AS add_to_cart_count_2w_if,
    COUNT(DISTINCT CASE WHEN event_name = 'page_view' THEN page END) AS page_view_distinct_page,
    MAX(CASE WHEN event_name = 'page_view' THEN ts END) AS page_view_last
  FROM events
  WHERE
    (
      event_name = 'page_view' AND ts <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
    )
    OR (
      event_name = 'add_to_cart' AND ts <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    user_id
), agg_store_visits AS (
  SELECT
    customer_id,
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
), base AS (
  SELECT
    e.customer_id,
    e.age,
    e.income,
    e.country,
    e.is_subscribed,
    e.signup_date,
    e.last_seen,
    e.name AS full_name,
    e.email,
    e.interests,
    e.lucky_numbers,
    COALESCE(agg_orders.purchase_sum_amount_365d, 0) AS purchase_sum_amount_365d,
    COALESCE(agg_orders.purchase_count_90d, 0) AS purchase_count_90d,
    COALESCE(agg_orders.purchase_count, 0) AS purchase_count,
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
    COALESCE(agg_events.page_view_count_30d_if, 0) AS page_view_count_30d_if,
    COALESCE(agg_events.add_to_cart_count_7d, 0) AS add_to_cart_count_7d,
    COALESCE(agg_events.page_view_count_7d, 0) AS page_view_count_7d,
    COALESCE(agg_events.page_view_count, 0) AS page_view_count,
    COALESCE(agg_events.add_to_cart_count, 0) AS add_to_cart_count,
    COALESCE(agg_events.add_to_cart_count_2w_if, 0) AS add_to_cart_count_2w_if,
    COALESCE(agg_events.page_view_distinct_page, 0) AS page_view_distinct_page,
    agg_events.page_view_last AS page_view_last,
    COALESCE(agg_store_visits.store_visit_count_1d, 0) AS store_visit_count_1d,
    COALESCE(agg_store_visits.store_visit_count_7d, 0) AS store_visit_count_7d,
    agg_store_visits.store_visit_last AS store_visit_last,
    COALESCE(agg_store_visits.store_visit_count_if, 0) AS store_visit_count_if,
    agg_store_visits.store_visit_first AS store_visit_first
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
  LEFT JOIN agg_events
    ON e.customer_id = agg_events.user_id
  LEFT JOIN agg_store_visits
    ON e.customer_id = agg_store_visits.customer_id
), ranked AS (
  SELECT
    *,
    purchase_sum_amount_365d AS rank_1_value,
    RANK() OVER (ORDER BY purchase_sum_amount_365d DESC) AS rank_1,
    COUNT(purchase_sum_amount_365d) OVER () AS rank_1_n,
    income AS rank_2_value,
    RANK() OVER (ORDER BY income ASC) AS rank_2,
    COUNT(income) OVER () AS rank_2_n,
    age AS rank_3_value,
    RANK() OVER (ORDER BY age DESC) AS rank_3,
    COUNT(age) OVER () AS rank_3_n,
    income AS rank_4_value,
    RANK() OVER (ORDER BY income DESC) AS rank_4,
    COUNT(income) OVER () AS rank_4_n,
    age AS rank_5_value,
    RANK() OVER (ORDER BY age DESC) AS rank_5,
    COUNT(age) OVER () AS rank_5_n,
    age AS rank_6_value,
    RANK() OVER (ORDER BY age DESC) AS rank_6,
    COUNT(age) OVER () AS rank_6_n,
    CAST(purchase_sum_amount_365d AS DOUBLE) / NULLIF(purchase_count_90d, 0) AS rank_7_value,
    RANK() OVER (
      ORDER BY CAST(purchase_sum_amount_365d AS DOUBLE) / NULLIF(purchase_count_90d, 0) DESC
    ) AS rank_7,
    COUNT(CAST(purchase_sum_amount_365d AS DOUBLE) / NULLIF(purchase_count_90d, 0)) OVER () AS rank_7_n,
    purchase_sum_amount_365d AS rank_8_value,
    RANK() OVER (ORDER BY purchase_sum_amount_365d ASC) AS rank_8,
    COUNT(purchase_sum_amount_365d) OVER () AS rank_8_n,
    income AS rank_9_value,
    RANK() OVER (ORDER BY income DESC) AS rank_9,
    COUNT(income) OVER () AS rank_9_n
  FROM base
)
SELECT
  customer_id,
  COALESCE(age = 30, FALSE) AS age_eq,
  NOT COALESCE(age = 30, FALSE) AS age_ne,
  COALESCE(age < 30, FALSE) AS age_lt,
  COALESCE(age <= 30, FALSE) AS age_le,
  COALESCE(age > 30, FALSE) AS age_gt,
  COALESCE(age >= 30, FALSE) AS age_ge,
  COALESCE(age BETWEEN 25 AND 34, FALSE) AS age_range,
  COALESCE(age >= 30, FALSE) AS age_open_low,
  COALESCE(age <= 30, FALSE) AS age_open_high,
  COALESCE(age BETWEEN 25 AND 34, FALSE) AS age_between,
  COALESCE(income > 50000.5, FALSE) AS income_decimal,
  COALESCE(income BETWEEN -10 AND 10, FALSE) AS income_negative,
  COALESCE(country = 'US', FALSE) AS country_us,
  NOT COALESCE(country = 'US', FALSE) AS country_not_us,
  COALESCE(country IN ('US', 'CA'), FALSE) AS country_in,
  NOT COALESCE(country IN ('US', 'CA'), FALSE) AS country_not_in,
  FALSE AS country_in_empty,
  NOT country IS NULL AS country_set,
  country IS NULL AS country_missing,
  country IS NULL AS country_null,
  NOT country IS NULL AS country_not_null,
  COALESCE(is_subscribed = TRUE, FALSE) AS subscribed,
  NOT COALESCE(is_subscribed = TRUE, FALSE) AS not_subscribed,
  COALESCE(is_subscribed = FALSE, FALSE) AS subscribed_false,
  COALESCE(
    signup_date BETWEEN CAST('2024-01-01' AS DATE) AND CAST('2024-12-31' AS DATE),
    FALSE
  ) AS signup_2024,
  COALESCE(signup_date > CAST('2025-06-01' AS DATE), FALSE) AS signup_after,
  COALESCE(signup_date < CAST('2025-06-01' AS DATE), FALSE) AS signup_before_ts,
  COALESCE(last_seen >= CAST('2026-06-29 00:00:00' AS TIMESTAMP), FALSE)
  AND COALESCE(last_seen < CAST('2026-06-30 00:00:00' AS TIMESTAMP), FALSE) AS seen_on_day,
  COALESCE(last_seen >= CAST('2026-06-30 00:00:00' AS TIMESTAMP), FALSE) AS seen_after_day,
  COALESCE(last_seen < CAST('2026-06-29 12:00:00' AS TIMESTAMP), FALSE) AS seen_before_instant,
  COALESCE(last_seen >= CAST('2026-06-01 00:00:00' AS TIMESTAMP), FALSE)
  AND COALESCE(last_seen < CAST('2026-06-30 00:00:00' AS TIMESTAMP), FALSE) AS seen_range_days,
  COALESCE(SUBSTR(LOWER(full_name), 1, 2) = LOWER('an'), FALSE) AS full_name_starts,
  COALESCE(SUBSTR(LOWER(full_name), 1, 5) = LOWER('émile'), FALSE) AS name_accent,
  (
    COALESCE(last_seen >= CAST('2026-06-29 00:00:00' AS TIMESTAMP), FALSE)
    AND COALESCE(last_seen < CAST('2026-06-30 00:00:00' AS TIMESTAMP), FALSE)
  )
  OR (
    COALESCE(last_seen >= CAST('2026-06-30 00:00:00' AS TIMESTAMP), FALSE)
    AND COALESCE(last_seen < CAST('2026-07-01 00:00:00' AS TIMESTAMP), FALSE)
  ) AS seen_on_days,
  NOT (
    COALESCE(last_seen >= CAST('2026-06-29 00:00:00' AS TIMESTAMP), FALSE)
    AND COALESCE(last_seen < CAST('2026-06-30 00:00:00' AS TIMESTAMP), FALSE)
  ) AS seen_not_on_day,
  COALESCE(-income > 5, FALSE) AS neg_income,
  COALESCE(CAST(income AS DOUBLE) / NULLIF(age, 0) > 3000, FALSE) AS income_per_year,
  COALESCE(
    signup_date BETWEEN CAST('2026-06-29' AS DATE) AND CAST('2026-06-30' AS DATE),
    FALSE
  ) AS signup_ts_range,
  COALESCE(signup_date IN (CAST('2026-06-30' AS DATE), CAST('2025-06-01' AS DATE)), FALSE) AS signup_ts_in,
  NOT rank_1_value IS NULL AND (
    rank_1 - 1
  ) * 100 < 20 * rank_1_n AS top_20_spend,
  NOT rank_2_value IS NULL AND (
    rank_2 - 1
  ) * 100 < 10 * rank_2_n AS bottom_10_income,
  NOT rank_3_value IS NULL AND (
    rank_3 - 1
  ) * 100 < 50 * rank_3_n AS top_half_age,
  NOT rank_4_value IS NULL AND (
    rank_4 - 1
  ) * 200 < 5 * rank_4_n AS top_2_5_income,
  NOT rank_5_value IS NULL AND (
    rank_5 - 1
  ) * 100 < 100 * rank_5_n AS top_all,
  NOT rank_6_value IS NULL AND (
    rank_6 - 1
  ) * 100 < 0 * rank_6_n AS top_none,
  NOT rank_7_value IS NULL AND (
    rank_7 - 1
  ) * 100 < 25 * rank_7_n AS top_ratio,
  COALESCE(age < 35, FALSE) AS young,
  COALESCE(age < 35, FALSE) AND COALESCE(country = 'US', FALSE) AS young_us,
  NOT COALESCE(age < 35, FALSE) AS not_young,
  COALESCE(age < 35, FALSE)
  AND (
    NOT rank_1_value IS NULL AND (
      rank_1 - 1
    ) * 100 < 20 * rank_1_n
  ) AS young_top,
  (
    COALESCE(age BETWEEN 25 AND 34, FALSE) OR COALESCE(income > 80000, FALSE)
  )
  AND NOT (
    COALESCE(country IN ('US'), FALSE) OR COALESCE(is_subscribed = TRUE, FALSE)
  ) AS complex,
  COALESCE(age > 30, FALSE) AS deep_not,
  NOT rank_8_value IS NULL AND (
    rank_8 - 1
  ) * 100 < 10 * rank_8_n AS bottom_10_spend,
  NOT (
    NOT rank_1_value IS NULL AND (
      rank_1 - 1
    ) * 100 < 20 * rank_1_n
  ) AS not_top_spend,
  NOT rank_9_value IS NULL AND (
    rank_9 - 1
  ) * 200 < 25 * rank_9_n AS top_12_5_income,
  COALESCE(STRPOS(LOWER(email), LOWER('EXAMPLE')) > 0, FALSE) AS email_contains,
  COALESCE(
    LENGTH(LOWER(email)) >= 4
    AND SUBSTR(LOWER(email), LENGTH(LOWER(email)) - 4 + 1) = LOWER('.com'),
    FALSE
  ) AS email_ends,
  COALESCE(STRPOS(LOWER(email), LOWER('%')) > 0, FALSE) AS email_percent,
  COALESCE(SUBSTR(LOWER(email), 1, 2) = LOWER('a_'), FALSE) AS email_underscore,
  NOT COALESCE(STRPOS(LOWER(email), LOWER('example')) > 0, FALSE) AS email_not_contains,
  COALESCE(CONTAINS(interests, 'running'), FALSE) AS likes_running,
  COALESCE(CONTAINS(interests, 'running') OR CONTAINS(interests, 'yoga'), FALSE) AS likes_any,
  COALESCE(CONTAINS(interests, 'running') AND CONTAINS(interests, 'yoga'), FALSE) AS likes_all,
  NOT COALESCE(CONTAINS(interests, 'running') OR CONTAINS(interests, 'yoga'), FALSE) AS likes_none,
  COALESCE(FALSE, FALSE) AS likes_any_empty,
  COALESCE(NOT interests IS NULL, FALSE) AS likes_all_empty,
  COALESCE(CONTAINS(lucky_numbers, 7), FALSE) AS lucky_seven,
  COALESCE(
    LENGTH(LOWER(email)) >= 4
    AND SUBSTR(LOWER(email), LENGTH(LOWER(email)) - 4 + 1) = LOWER('.COM'),
    FALSE
  ) AS email_ends_upper,
  COALESCE(CONTAINS(lucky_numbers, 3) AND CONTAINS(lucky_numbers, 7), FALSE) AS lucky_all,
  NOT COALESCE(CONTAINS(lucky_numbers, 7), FALSE) AS lucky_none,
  COALESCE(
    last_seen > CAST('2026-06-23 00:00:00' AS TIMESTAMP)
    AND last_seen <= CAST('2026-06-30 00:00:00' AS TIMESTAMP),
    FALSE
  ) AS seen_last_7d,
  NOT COALESCE(
    last_seen > CAST('2026-06-23 00:00:00' AS TIMESTAMP)
    AND last_seen <= CAST('2026-06-30 00:00:00' AS TIMESTAMP),
    FALSE
  ) AS seen_not_last_7d,
  COALESCE(
    signup_date > CAST('2026-06-29' AS DATE)
    AND signup_date <= CAST('2026-06-30' AS DATE),
    FALSE
  ) AS signup_last_1d,
  COALESCE(
    signup_date > CAST('2026-05-30' AS DATE)
    AND signup_date <= CAST('2026-06-30' AS DATE),
    FALSE
  ) AS signup_last_month,
  COALESCE(
    last_seen > CAST('2026-06-16 00:00:00' AS TIMESTAMP)
    AND last_seen <= CAST('2026-06-30 00:00:00' AS TIMESTAMP),
    FALSE
  ) AS seen_last_2w,
  COALESCE(
    last_seen > CAST('2025-06-30 00:00:00' AS TIMESTAMP)
    AND last_seen <= CAST('2026-06-30 00:00:00' AS TIMESTAMP),
    FALSE
  ) AS seen_last_year,
  COALESCE(last_seen < CAST('2026-05-31 00:00:00' AS TIMESTAMP), FALSE) AS seen_before_30d_ago,
  COALESCE(signup_date > CAST('2026-05-30' AS DATE), FALSE) AS signup_after_1m_ago,
  purchase_count_90d >= 1 AS bought_90d,
  NOT purchase_count_90d >= 1 AS not_bought_90d,
  purchase_count >= 1 AS bought_ever,
  purchase_count_30d_if >= 1 AS bought_paid_30d,
  purchase_count_90d > 3 AS frequent,
  purchase_count_30d_if_2 >= 2 AS count_30d_paid,
  purchase_sum_amount_365d >= 100 AS big_spender,
  purchase_sum_amount_if BETWEEN 50 AND 500 AS paid_spender,
  COALESCE(purchase_avg_amount > 40, FALSE) AS avg_order_high,
  purchase_avg_amount IS NULL AS no_avg,
  purchase_distinct_sku >= 2 AS distinct_skus,
  COALESCE(purchase_max_quantity_365d >= 3, FALSE) AS max_quantity,
  COALESCE(purchase_min_amount < 5, FALSE) AS min_amount,
  COALESCE(purchase_last < CAST('2026-01-01 00:00:00' AS TIMESTAMP), FALSE) AS lapsed,
  COALESCE(
    purchase_first > CAST('2026-05-31 00:00:00' AS TIMESTAMP)
    AND purchase_first <= CAST('2026-06-30 00:00:00' AS TIMESTAMP),
    FALSE
  ) AS new_buyer,
  purchase_last IS NULL AS never_bought,
  purchase_count_1m >= 1 AS month_window,
  page_view_count_30d_if >= 1 AS viewed_pricing,
  add_to_cart_count_7d > 0 AS carted,
  store_visit_count_1d >= 1 AS visited_store,
  store_visit_count_7d >= 2 AS visited_store_week,
  COALESCE(store_visit_last > CAST('2026-06-27' AS DATE), FALSE) AS store_recent,
  purchase_count_if >= 1 AS event_ts_condition,
  COALESCE(
    CAST(purchase_sum_amount_365d AS DOUBLE) / NULLIF(purchase_count_90d, 0) > 20,
    FALSE
  ) AS ratio,
  (
    (
      purchase_sum_amount_365d - purchase_sum_amount_if
    ) * 2
  ) + 1 > 10 AS arithmetic,
  COALESCE(
    signup_date > CAST('2026-02-28' AS DATE)
    AND signup_date <= CAST('2026-06-30' AS DATE),
    FALSE
  ) AS signup_last_4m,
  COALESCE(
    last_seen > CAST('2026-02-28 00:00:00' AS TIMESTAMP)
    AND last_seen <= CAST('2026-06-30 00:00:00' AS TIMESTAMP),
    FALSE
  ) AS seen_last_4m,
  purchase_count_4m >= 1 AS bought_4m,
  COALESCE(purchase_max_amount >= 1000, FALSE) AS max_amount_big,
  purchase_count_if_2 >= 1 AS unpaid_any,
  page_view_count_7d >= 1 AND NOT add_to_cart_count_7d >= 1 AS viewed_not_carted,
  page_view_count + add_to_cart_count >= 2 AS views_and_carts,
  CAST(purchase_sum_amount_365d AS DOUBLE) / NULLIF(purchase_count_90d, 0) IS NULL AS no_ratio,
  store_visit_count_if = 2 AS visits_on_day,
  add_to_cart_count_2w_if >= 1 AS carted_shoes,
  COALESCE(purchase_avg_amount_30d_if >= 20, FALSE) AS avg_paid_30d,
  page_view_distinct_page >= 1 AS distinct_pages,
  purchase_sum_quantity_90d >= 5 AS quantity_90d,
  COALESCE(
    store_visit_first > CAST('2026-06-23' AS DATE)
    AND store_visit_first <= CAST('2026-06-30' AS DATE),
    FALSE
  ) AS first_visit_week,
  COALESCE(
    page_view_last > CAST('2026-06-29 00:00:00' AS TIMESTAMP)
    AND page_view_last <= CAST('2026-06-30 00:00:00' AS TIMESTAMP),
    FALSE
  ) AS viewed_today,
  COALESCE(
    store_visit_last BETWEEN CAST('2026-06-28' AS DATE) AND CAST('2026-06-29' AS DATE),
    FALSE
  ) AS last_visit_ts_range
FROM ranked
