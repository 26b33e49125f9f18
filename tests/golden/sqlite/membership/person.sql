WITH agg_tz_orders AS (
  SELECT
    person_id,
    SUM(CASE WHEN at >= DATETIME('2026-06-30 00:00:00') THEN 1 ELSE 0 END) AS buy_count_thisd,
    SUM(
      CASE
        WHEN at >= DATETIME('2026-06-29 00:00:00') AND at < DATETIME('2026-06-30 00:00:00')
        THEN 1
        ELSE 0
      END
    ) AS buy_count_prev1d,
    SUM(
      CASE
        WHEN at >= DATETIME('2026-05-01 00:00:00') AND at < DATETIME('2026-06-01 00:00:00')
        THEN amount
      END
    ) AS buy_sum_amount_prev1m,
    SUM(CASE WHEN at >= DATETIME('2026-04-01 00:00:00') THEN amount END) AS buy_sum_amount_thisq,
    SUM(CASE WHEN at >= DATETIME('2026-06-01 00:00:00') THEN 1 ELSE 0 END) AS buy_count_thism,
    SUM(
      CASE
        WHEN (
          (
            CAST(STRFTIME('%w', at) AS INTEGER) + 6
          ) % 7
        ) + 1 >= 6
        THEN 1
        ELSE 0
      END
    ) AS buy_count_if,
    SUM(
      CASE
        WHEN at >= DATETIME('2026-01-01 00:00:00')
        AND (
          (
            CAST(STRFTIME('%w', at) AS INTEGER) + 6
          ) % 7
        ) + 1 = 7
        THEN 1
        ELSE 0
      END
    ) AS buy_count_thisy_if,
    SUM(CASE WHEN CAST(STRFTIME('%H', at) AS INTEGER) < 6 THEN 1 ELSE 0 END) AS buy_count_if_2,
    SUM(
      CASE
        WHEN (
          at >= DATETIME('2026-06-15 00:00:00') AND at < DATETIME('2026-06-29 00:00:00')
        )
        AND CAST(STRFTIME('%H', at) AS INTEGER) = 0
        THEN 1
        ELSE 0
      END
    ) AS buy_count_prev2w_if,
    MAX(CASE WHEN at = buy_last_category_at THEN category END) AS buy_last_category,
    MAX(CASE WHEN at = buy_first_category_at THEN category END) AS buy_first_category,
    MAX(CASE WHEN at = buy_last_amount_at THEN amount END) AS buy_last_amount,
    MAX(CASE WHEN at = buy_first_amount_at THEN amount END) AS buy_first_amount,
    MAX(
      CASE
        WHEN at >= DATETIME('2026-01-01 00:00:00') AND at = buy_last_category_thisy_at
        THEN category
      END
    ) AS buy_last_category_thisy,
    MIN(
      CASE
        WHEN NOT category IS NULL
        AND buy_most_frequent_category_cnt = buy_most_frequent_category_top
        THEN category
      END
    ) AS buy_most_frequent_category,
    MIN(
      CASE
        WHEN NOT amount IS NULL
        AND buy_most_frequent_amount_cnt = buy_most_frequent_amount_top
        THEN amount
      END
    ) AS buy_most_frequent_amount,
    MIN(
      CASE
        WHEN (
          at >= DATETIME('2026-01-01 00:00:00') AND at < DATETIME('2026-04-01 00:00:00')
        )
        AND NOT category IS NULL
        AND buy_most_frequent_category_prev1q_cnt = buy_most_frequent_category_prev1q_top
        THEN category
      END
    ) AS buy_most_frequent_category_prev1q,
    SUM(
      CASE
        WHEN at >= DATETIME('2026-01-01 00:00:00') AND at < DATETIME('2026-04-01 00:00:00')
        THEN amount
      END
    ) AS buy_sum_amount_prev1q,
    MAX(at) AS buy_last,
    SUM(amount) AS buy_sum_amount
  FROM (
    SELECT
      *,
      MAX(CASE WHEN NOT category IS NULL THEN buy_most_frequent_category_cnt END) OVER (PARTITION BY person_id) AS buy_most_frequent_category_top,
      MAX(CASE WHEN NOT amount IS NULL THEN buy_most_frequent_amount_cnt END) OVER (PARTITION BY person_id) AS buy_most_frequent_amount_top,
      MAX(
        CASE
          WHEN (
            at >= DATETIME('2026-01-01 00:00:00') AND at < DATETIME('2026-04-01 00:00:00')
          )
          AND NOT category IS NULL
          THEN buy_most_frequent_category_prev1q_cnt
        END
      ) OVER (PARTITION BY person_id) AS buy_most_frequent_category_prev1q_top
    FROM (
      SELECT
        *,
        MAX(at) OVER (PARTITION BY person_id) AS buy_last_category_at,
        MIN(at) OVER (PARTITION BY person_id) AS buy_first_category_at,
        MAX(at) OVER (PARTITION BY person_id) AS buy_last_amount_at,
        MIN(at) OVER (PARTITION BY person_id) AS buy_first_amount_at,
        MAX(CASE WHEN at >= DATETIME('2026-01-01 00:00:00') THEN at END) OVER (PARTITION BY person_id) AS buy_last_category_thisy_at,
        SUM(CASE WHEN NOT category IS NULL THEN 1 ELSE 0 END) OVER (PARTITION BY person_id, category) AS buy_most_frequent_category_cnt,
        SUM(CASE WHEN NOT amount IS NULL THEN 1 ELSE 0 END) OVER (PARTITION BY person_id, amount) AS buy_most_frequent_amount_cnt,
        SUM(
          CASE
            WHEN (
              at >= DATETIME('2026-01-01 00:00:00') AND at < DATETIME('2026-04-01 00:00:00')
            )
            AND NOT category IS NULL
            THEN 1
            ELSE 0
          END
        ) OVER (PARTITION BY person_id, category) AS buy_most_frequent_category_prev1q_cnt
      FROM tz_orders
      WHERE
        at <= DATETIME('2026-06-30 00:00:00')
    ) AS ev_rows
  ) AS ev_ranked
  GROUP BY
    person_id
), agg_tz_visits AS (
  SELECT
    person_id,
    SUM(CASE WHEN day >= DATE('2026-06-29') THEN 1 ELSE 0 END) AS stop_count_thisw,
    SUM(
      CASE WHEN day >= DATE('2026-04-01') AND day < DATE('2026-06-01') THEN 1 ELSE 0 END
    ) AS stop_count_prev2m,
    SUM(
      CASE
        WHEN (
          (
            CAST(STRFTIME('%w', day) AS INTEGER) + 6
          ) % 7
        ) + 1 = 1
        THEN 1
        ELSE 0
      END
    ) AS stop_count_if,
    SUM(
      CASE
        WHEN (
          (
            CAST(STRFTIME('%w', day) AS INTEGER) + 6
          ) % 7
        ) + 1 <= 5
        THEN 1
        ELSE 0
      END
    ) AS stop_count_if_2,
    MAX(CASE WHEN day = stop_last_store_at THEN store END) AS stop_last_store,
    MAX(
      CASE WHEN day >= DATE('2026-03-01') AND day = stop_first_store_if_at THEN store END
    ) AS stop_first_store_if,
    MIN(
      CASE
        WHEN day > DATE('2025-06-30')
        AND NOT store IS NULL
        AND stop_most_frequent_store_1y_cnt = stop_most_frequent_store_1y_top
        THEN store
      END
    ) AS stop_most_frequent_store_1y,
    MAX(day) AS stop_last,
    MIN(day) AS stop_first
  FROM (
    SELECT
      *,
      MAX(
        CASE
          WHEN day > DATE('2025-06-30') AND NOT store IS NULL
          THEN stop_most_frequent_store_1y_cnt
        END
      ) OVER (PARTITION BY person_id) AS stop_most_frequent_store_1y_top
    FROM (
      SELECT
        *,
        MAX(day) OVER (PARTITION BY person_id) AS stop_last_store_at,
        MIN(CASE WHEN day >= DATE('2026-03-01') THEN day END) OVER (PARTITION BY person_id) AS stop_first_store_if_at,
        SUM(CASE WHEN day > DATE('2025-06-30') AND NOT store IS NULL THEN 1 ELSE 0 END) OVER (PARTITION BY person_id, store) AS stop_most_frequent_store_1y_cnt
      FROM tz_visits
      WHERE
        day <= DATE('2026-06-30')
    ) AS ev_rows
  ) AS ev_ranked
  GROUP BY
    person_id
), buy_then_buy AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1
        AND (
          seq_next <= STRFTIME('%Y-%m-%d %H:%M:%f', seq_ts, '+1 days')
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
        person_id AS seq_key,
        at AS seq_ts,
        0 AS seq_tag
      FROM tz_orders
      WHERE
        at <= DATETIME('2026-06-30 00:00:00') AND at >= DATETIME('2026-06-22 00:00:00')
      UNION ALL
      SELECT
        person_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM tz_orders
      WHERE
        at <= DATETIME('2026-06-30 00:00:00')
        AND (
          at >= DATETIME('2026-06-22 00:00:00') AND at < DATETIME('2026-06-29 00:00:00')
        )
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), buy_then_not_buy AS (
  SELECT
    seq_key,
    MAX(
      CASE
        WHEN seq_tag = 1
        AND (
          seq_next IS NULL OR seq_next > STRFTIME('%Y-%m-%d %H:%M:%f', seq_ts, '+2 days')
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
        person_id AS seq_key,
        at AS seq_ts,
        0 AS seq_tag
      FROM tz_orders
      WHERE
        at <= DATETIME('2026-06-30 00:00:00') AND at >= DATETIME('2026-06-15 00:00:00')
      UNION ALL
      SELECT
        person_id AS seq_key,
        at AS seq_ts,
        1 AS seq_tag
      FROM tz_orders
      WHERE
        at <= DATETIME('2026-06-30 00:00:00')
        AND (
          at >= DATETIME('2026-06-15 00:00:00') AND at < DATETIME('2026-06-29 00:00:00')
        )
        AND at <= DATETIME('2026-06-28 00:00:00')
    ) AS seq_rows
  ) AS seq_ordered
  GROUP BY
    seq_key
), base AS (
  SELECT
    e.person_id,
    e.last_login,
    e.born_on,
    e.city,
    e.birth_city,
    e.points,
    e.bonus,
    e.grp,
    COALESCE(agg_tz_orders.buy_count_thisd, 0) AS buy_count_thisd,
    COALESCE(agg_tz_orders.buy_count_prev1d, 0) AS buy_count_prev1d,
    COALESCE(agg_tz_orders.buy_sum_amount_prev1m, 0) AS buy_sum_amount_prev1m,
    COALESCE(agg_tz_orders.buy_sum_amount_thisq, 0) AS buy_sum_amount_thisq,
    COALESCE(agg_tz_orders.buy_count_thism, 0) AS buy_count_thism,
    COALESCE(agg_tz_orders.buy_count_if, 0) AS buy_count_if,
    COALESCE(agg_tz_orders.buy_count_thisy_if, 0) AS buy_count_thisy_if,
    COALESCE(agg_tz_orders.buy_count_if_2, 0) AS buy_count_if_2,
    COALESCE(agg_tz_orders.buy_count_prev2w_if, 0) AS buy_count_prev2w_if,
    agg_tz_orders.buy_last_category AS buy_last_category,
    agg_tz_orders.buy_first_category AS buy_first_category,
    agg_tz_orders.buy_last_amount AS buy_last_amount,
    agg_tz_orders.buy_first_amount AS buy_first_amount,
    agg_tz_orders.buy_last_category_thisy AS buy_last_category_thisy,
    agg_tz_orders.buy_most_frequent_category AS buy_most_frequent_category,
    agg_tz_orders.buy_most_frequent_amount AS buy_most_frequent_amount,
    agg_tz_orders.buy_most_frequent_category_prev1q AS buy_most_frequent_category_prev1q,
    COALESCE(agg_tz_orders.buy_sum_amount_prev1q, 0) AS buy_sum_amount_prev1q,
    agg_tz_orders.buy_last AS buy_last,
    COALESCE(agg_tz_orders.buy_sum_amount, 0) AS buy_sum_amount,
    COALESCE(agg_tz_visits.stop_count_thisw, 0) AS stop_count_thisw,
    COALESCE(agg_tz_visits.stop_count_prev2m, 0) AS stop_count_prev2m,
    COALESCE(agg_tz_visits.stop_count_if, 0) AS stop_count_if,
    COALESCE(agg_tz_visits.stop_count_if_2, 0) AS stop_count_if_2,
    agg_tz_visits.stop_last_store AS stop_last_store,
    agg_tz_visits.stop_first_store_if AS stop_first_store_if,
    agg_tz_visits.stop_most_frequent_store_1y AS stop_most_frequent_store_1y,
    agg_tz_visits.stop_last AS stop_last,
    agg_tz_visits.stop_first AS stop_first,
    COALESCE(buy_then_buy.seq_hit, 0) AS buy_then_buy,
    COALESCE(buy_then_not_buy.seq_hit, 0) AS buy_then_not_buy
  FROM tz_people AS e
  LEFT JOIN agg_tz_orders
    ON e.person_id = agg_tz_orders.person_id
  LEFT JOIN agg_tz_visits
    ON e.person_id = agg_tz_visits.person_id
  LEFT JOIN buy_then_buy
    ON e.person_id = buy_then_buy.seq_key
  LEFT JOIN buy_then_not_buy
    ON e.person_id = buy_then_not_buy.seq_key
), valued AS (
  SELECT
    *,
    points AS score_1_value,
    points AS score_2_value,
    buy_sum_amount AS score_3_value,
    buy_last AS score_4_value
  FROM base
), scores_1 AS (
  SELECT
    v,
    1 + CAST(FLOOR(CAST(5 * better AS REAL) / n) AS INTEGER) AS s
  FROM (
    SELECT
      score_1_value AS v,
      SUM(COUNT(*)) OVER (ORDER BY score_1_value ASC) - COUNT(*) AS better,
      SUM(COUNT(*)) OVER () AS n
    FROM valued
    WHERE
      NOT score_1_value IS NULL
    GROUP BY
      score_1_value
  ) AS counted
), scores_2 AS (
  SELECT
    v,
    g,
    1 + CAST(FLOOR(CAST(3 * better AS REAL) / n) AS INTEGER) AS s
  FROM (
    SELECT
      score_2_value AS v,
      grp AS g,
      SUM(COUNT(*)) OVER (PARTITION BY grp ORDER BY score_2_value ASC) - COUNT(*) AS better,
      SUM(COUNT(*)) OVER (PARTITION BY grp) AS n
    FROM valued
    WHERE
      NOT score_2_value IS NULL AND NOT grp IS NULL
    GROUP BY
      score_2_value,
      grp
  ) AS counted
), scores_3 AS (
  SELECT
    v,
    1 + CAST(FLOOR(CAST(10 * better AS REAL) / n) AS INTEGER) AS s
  FROM (
    SELECT
      score_3_value AS v,
      SUM(COUNT(*)) OVER (ORDER BY score_3_value ASC) - COUNT(*) AS better,
      SUM(COUNT(*)) OVER () AS n
    FROM valued
    WHERE
      NOT score_3_value IS NULL
    GROUP BY
      score_3_value
  ) AS counted
), scores_4 AS (
  SELECT
    v,
    1 + CAST(FLOOR(CAST(4 * better AS REAL) / n) AS INTEGER) AS s
  FROM (
    SELECT
      score_4_value AS v,
      SUM(COUNT(*)) OVER (ORDER BY score_4_value ASC) - COUNT(*) AS better,
      SUM(COUNT(*)) OVER () AS n
    FROM valued
    WHERE
      NOT score_4_value IS NULL
    GROUP BY
      score_4_value
  ) AS counted
), ranked AS (
  SELECT
    valued.*,
    scores_1.s AS score_1,
    scores_2.s AS score_2,
    scores_3.s AS score_3,
    scores_4.s AS score_4
  FROM valued
  LEFT JOIN scores_1
    ON valued.score_1_value = scores_1.v
  LEFT JOIN scores_2
    ON valued.score_2_value = scores_2.v AND valued.grp = scores_2.g
  LEFT JOIN scores_3
    ON valued.score_3_value = scores_3.v
  LEFT JOIN scores_4
    ON valued.score_4_value = scores_4.v
), segments_1 AS (
  SELECT
    *,
    COALESCE(
      last_login >= DATETIME('2026-06-30 00:00:00')
      AND last_login <= DATETIME('2026-06-30 00:00:00'),
      FALSE
    ) AS in_login_today,
    COALESCE(
      last_login >= DATETIME('2026-06-29 00:00:00')
      AND last_login < DATETIME('2026-06-30 00:00:00'),
      FALSE
    ) AS in_login_yesterday,
    COALESCE(
      last_login >= DATETIME('2026-06-28 00:00:00')
      AND last_login < DATETIME('2026-06-30 00:00:00'),
      FALSE
    ) AS in_login_prev_2_days,
    COALESCE(
      last_login >= DATETIME('2026-06-29 00:00:00')
      AND last_login <= DATETIME('2026-06-30 00:00:00'),
      FALSE
    ) AS in_login_this_week,
    COALESCE(
      last_login >= DATETIME('2026-06-22 00:00:00')
      AND last_login < DATETIME('2026-06-29 00:00:00'),
      FALSE
    ) AS in_login_prev_week,
    COALESCE(
      last_login >= DATETIME('2026-06-01 00:00:00')
      AND last_login <= DATETIME('2026-06-30 00:00:00'),
      FALSE
    ) AS in_login_this_month,
    NOT COALESCE(
      last_login >= DATETIME('2026-05-01 00:00:00')
      AND last_login < DATETIME('2026-06-01 00:00:00'),
      FALSE
    ) AS in_login_not_prev_month,
    COALESCE(
      last_login >= DATETIME('2026-04-01 00:00:00')
      AND last_login <= DATETIME('2026-06-30 00:00:00'),
      FALSE
    ) AS in_login_this_quarter,
    COALESCE(
      last_login >= DATETIME('2026-01-01 00:00:00')
      AND last_login < DATETIME('2026-04-01 00:00:00'),
      FALSE
    ) AS in_login_prev_quarter,
    COALESCE(
      last_login >= DATETIME('2026-01-01 00:00:00')
      AND last_login <= DATETIME('2026-06-30 00:00:00'),
      FALSE
    ) AS in_login_this_year,
    COALESCE(
      last_login >= DATETIME('2025-01-01 00:00:00')
      AND last_login < DATETIME('2026-01-01 00:00:00'),
      FALSE
    ) AS in_login_prev_year,
    COALESCE(
      last_login > DATETIME('2026-05-30 00:00:00')
      AND last_login <= DATETIME('2026-06-30 00:00:00'),
      FALSE
    ) AS in_login_last_month_rolling,
    COALESCE(
      last_login > DATETIME('2026-06-29 00:00:00')
      AND last_login <= DATETIME('2026-06-30 00:00:00'),
      FALSE
    ) AS in_login_last_day_rolling,
    COALESCE(born_on >= DATE('2026-06-30') AND born_on <= DATE('2026-06-30'), FALSE) AS in_born_today,
    COALESCE(born_on >= DATE('2026-06-29') AND born_on <= DATE('2026-06-30'), FALSE) AS in_born_this_week,
    COALESCE(born_on >= DATE('2026-06-22') AND born_on < DATE('2026-06-29'), FALSE) AS in_born_prev_week,
    COALESCE(born_on >= DATE('2026-03-01') AND born_on < DATE('2026-06-01'), FALSE) AS in_born_prev_3_months,
    COALESCE(born_on > DATE('2026-06-29') AND born_on <= DATE('2026-06-30'), FALSE) AS in_born_last_1_day,
    buy_count_thisd >= 1 AS in_bought_today,
    buy_count_prev1d >= 2 AS in_bought_yesterday_twice,
    buy_sum_amount_prev1m > 10 AS in_spend_prev_month,
    buy_sum_amount_thisq >= 30 AS in_spend_this_quarter,
    NOT buy_count_thism >= 1 AS in_no_buy_this_month,
    stop_count_thisw >= 1 AS in_visit_this_week,
    stop_count_prev2m >= 1 AS in_visits_prev_2_months,
    buy_count_if >= 1 AS in_weekend_buyer,
    buy_count_thisy_if >= 1 AS in_sunday_buyer_this_year,
    buy_count_if_2 >= 1 AS in_night_buyer,
    buy_count_prev2w_if >= 1 AS in_midnight_hour,
    stop_count_if >= 1 AS in_monday_visitor,
    stop_count_if_2 >= 2 AS in_weekday_visits,
    COALESCE(last_login > DATETIME('2026-03-29 02:30:00'), FALSE) AS in_login_after_gap_time,
    COALESCE(last_login >= DATETIME('2026-11-01 01:30:00'), FALSE) AS in_login_after_fold_time,
    COALESCE(last_login > DATETIME('2026-03-29 01:00:00'), FALSE) AS in_login_after_exact,
    COALESCE(last_login >= DATETIME('2026-10-25 00:00:00'), FALSE)
    AND COALESCE(last_login < DATETIME('2026-10-26 00:00:00'), FALSE) AS in_login_on_long_day,
    COALESCE(last_login >= DATETIME('2026-03-08 00:00:00'), FALSE)
    AND COALESCE(last_login < DATETIME('2026-03-09 00:00:00'), FALSE) AS in_login_on_short_day,
    COALESCE(last_login >= DATETIME('2026-03-01 00:00:00'), FALSE)
    AND COALESCE(last_login < DATETIME('2026-04-01 00:00:00'), FALSE) AS in_login_march,
    buy_then_buy = 1 AS in_buy_then_buy_prev_week,
    buy_then_not_buy = 1 AS in_buy_this_week_no_followup,
    COALESCE(buy_last_category = 'books', FALSE) AS in_last_cat_books,
    NOT COALESCE(buy_last_category = 'books', FALSE) AS in_last_cat_not_books,
    COALESCE(buy_first_category = 'toys', FALSE) AS in_first_cat_toys,
    buy_last_category IS NULL AS in_last_cat_missing,
    COALESCE(buy_last_amount > 20, FALSE) AS in_last_amount_big,
    NOT buy_first_amount IS NULL AS in_first_amount_set,
    COALESCE(buy_last_category_thisy IN ('toys', 'Toys'), FALSE) AS in_last_cat_this_year,
    COALESCE(stop_last_store = 'north', FALSE) AS in_last_store_north,
    NOT stop_first_store_if IS NULL AS in_first_store_in_march,
    COALESCE(buy_most_frequent_category = 'books', FALSE) AS in_fav_books,
    buy_most_frequent_category IS NULL AS in_fav_cat_missing,
    COALESCE(buy_most_frequent_category < 'a', FALSE) AS in_fav_cat_upper,
    COALESCE(buy_most_frequent_amount <= 10, FALSE) AS in_fav_amount_small,
    COALESCE(buy_most_frequent_category_prev1q IN ('toys', 'sports'), FALSE) AS in_fav_cat_prev_q,
    COALESCE(stop_most_frequent_store_1y = 'south', FALSE) AS in_fav_store,
    COALESCE(city = birth_city, FALSE) AS in_same_city,
    NOT COALESCE(city = birth_city, FALSE) AS in_other_city,
    COALESCE(points > bonus, FALSE) AS in_points_over_bonus,
    COALESCE(points <= bonus + 1, FALSE) AS in_points_at_most_bonus,
    buy_sum_amount_thisq < buy_sum_amount_prev1q AS in_spending_less,
    COALESCE(last_login > buy_last, FALSE) AS in_login_after_last_buy,
    COALESCE(stop_last > stop_first, FALSE) AS in_stops_span,
    COALESCE(score_1 = 5, FALSE) AS in_top_points_score,
    COALESCE(score_1 <= 2, FALSE) AS in_low_points_score,
    score_1 IS NULL AS in_missing_points_score,
    COALESCE(score_2 = 3, FALSE) AS in_grp_score_top,
    COALESCE(score_3 >= 8, FALSE) AS in_spend_decile_high,
    COALESCE(score_4 = 4, FALSE) AS in_recent_buyers,
    COALESCE(score_1 + score_4 >= 7, FALSE) AS in_score_arith,
    buy_sum_amount >= 300 AS "in_tiers.high",
    buy_sum_amount >= 240 AND NOT buy_sum_amount >= 300 AS "in_tiers.medium",
    buy_sum_amount > 0 AND NOT (
      buy_sum_amount >= 300 OR buy_sum_amount >= 240
    ) AS "in_tiers.low",
    NOT (
      buy_sum_amount >= 300 OR buy_sum_amount >= 240 OR buy_sum_amount > 0
    ) AS "in_tiers.none_yet",
    NOT CASE
      WHEN buy_sum_amount >= 300
      THEN 'high'
      WHEN buy_sum_amount >= 240
      THEN 'medium'
      WHEN buy_sum_amount > 0
      THEN 'low'
      ELSE 'none_yet'
    END = 'low' AS in_tier_not_low,
    CASE
      WHEN buy_sum_amount >= 300
      THEN 'high'
      WHEN buy_sum_amount >= 240
      THEN 'medium'
      WHEN buy_sum_amount > 0
      THEN 'low'
      ELSE 'none_yet'
    END IN ('high', 'medium') AS in_tier_in,
    COALESCE(score_4 >= 3, FALSE) AND COALESCE(score_3 >= 7, FALSE) AS "in_rfm_p.champions",
    COALESCE(score_3 >= 7, FALSE)
    AND NOT (
      COALESCE(score_4 >= 3, FALSE) AND COALESCE(score_3 >= 7, FALSE)
    ) AS "in_rfm_p.loyal",
    (
      COALESCE(score_4 <= 2, FALSE) AND COALESCE(score_3 >= 4, FALSE)
    )
    AND NOT (
      (
        COALESCE(score_4 >= 3, FALSE) AND COALESCE(score_3 >= 7, FALSE)
      )
      OR COALESCE(score_3 >= 7, FALSE)
    ) AS "in_rfm_p.at_risk",
    COALESCE(score_4 <= 3, FALSE)
    AND NOT (
      (
        COALESCE(score_4 >= 3, FALSE) AND COALESCE(score_3 >= 7, FALSE)
      )
      OR COALESCE(score_3 >= 7, FALSE)
      OR (
        COALESCE(score_4 <= 2, FALSE) AND COALESCE(score_3 >= 4, FALSE)
      )
    ) AS "in_rfm_p.hibernating",
    CASE
      WHEN COALESCE(score_4 >= 3, FALSE) AND COALESCE(score_3 >= 7, FALSE)
      THEN 'champions'
      WHEN COALESCE(score_3 >= 7, FALSE)
      THEN 'loyal'
      WHEN COALESCE(score_4 <= 2, FALSE) AND COALESCE(score_3 >= 4, FALSE)
      THEN 'at_risk'
      WHEN COALESCE(score_4 <= 3, FALSE)
      THEN 'hibernating'
      ELSE NULL
    END IS NULL AS in_rfm_missing,
    COALESCE(
      CASE
        WHEN COALESCE(score_4 >= 3, FALSE) AND COALESCE(score_3 >= 7, FALSE)
        THEN 'champions'
        WHEN COALESCE(score_3 >= 7, FALSE)
        THEN 'loyal'
        WHEN COALESCE(score_4 <= 2, FALSE) AND COALESCE(score_3 >= 4, FALSE)
        THEN 'at_risk'
        WHEN COALESCE(score_4 <= 3, FALSE)
        THEN 'hibernating'
        ELSE NULL
      END IN ('loyal', 'champions'),
      FALSE
    ) AS in_rfm_loyal_or_champ
  FROM ranked
)
SELECT
  person_id,
  in_login_today AS login_today,
  in_login_yesterday AS login_yesterday,
  in_login_prev_2_days AS login_prev_2_days,
  in_login_this_week AS login_this_week,
  in_login_prev_week AS login_prev_week,
  in_login_this_month AS login_this_month,
  in_login_not_prev_month AS login_not_prev_month,
  in_login_this_quarter AS login_this_quarter,
  in_login_prev_quarter AS login_prev_quarter,
  in_login_this_year AS login_this_year,
  in_login_prev_year AS login_prev_year,
  in_login_last_month_rolling AS login_last_month_rolling,
  in_login_last_day_rolling AS login_last_day_rolling,
  in_born_today AS born_today,
  in_born_this_week AS born_this_week,
  in_born_prev_week AS born_prev_week,
  in_born_prev_3_months AS born_prev_3_months,
  in_born_last_1_day AS born_last_1_day,
  in_bought_today AS bought_today,
  in_bought_yesterday_twice AS bought_yesterday_twice,
  in_spend_prev_month AS spend_prev_month,
  in_spend_this_quarter AS spend_this_quarter,
  in_no_buy_this_month AS no_buy_this_month,
  in_visit_this_week AS visit_this_week,
  in_visits_prev_2_months AS visits_prev_2_months,
  in_weekend_buyer AS weekend_buyer,
  in_sunday_buyer_this_year AS sunday_buyer_this_year,
  in_night_buyer AS night_buyer,
  in_midnight_hour AS midnight_hour,
  in_monday_visitor AS monday_visitor,
  in_weekday_visits AS weekday_visits,
  in_login_after_gap_time AS login_after_gap_time,
  in_login_after_fold_time AS login_after_fold_time,
  in_login_after_exact AS login_after_exact,
  in_login_on_long_day AS login_on_long_day,
  in_login_on_short_day AS login_on_short_day,
  in_login_march AS login_march,
  in_buy_then_buy_prev_week AS buy_then_buy_prev_week,
  in_buy_this_week_no_followup AS buy_this_week_no_followup,
  in_last_cat_books AS last_cat_books,
  in_last_cat_not_books AS last_cat_not_books,
  in_first_cat_toys AS first_cat_toys,
  in_last_cat_missing AS last_cat_missing,
  in_last_amount_big AS last_amount_big,
  in_first_amount_set AS first_amount_set,
  in_last_cat_this_year AS last_cat_this_year,
  in_last_store_north AS last_store_north,
  in_first_store_in_march AS first_store_in_march,
  in_fav_books AS fav_books,
  in_fav_cat_missing AS fav_cat_missing,
  in_fav_cat_upper AS fav_cat_upper,
  in_fav_amount_small AS fav_amount_small,
  in_fav_cat_prev_q AS fav_cat_prev_q,
  in_fav_store AS fav_store,
  in_same_city AS same_city,
  in_other_city AS other_city,
  in_points_over_bonus AS points_over_bonus,
  in_points_at_most_bonus AS points_at_most_bonus,
  in_spending_less AS spending_less,
  in_login_after_last_buy AS login_after_last_buy,
  in_stops_span AS stops_span,
  in_top_points_score AS top_points_score,
  in_low_points_score AS low_points_score,
  in_missing_points_score AS missing_points_score,
  in_grp_score_top AS grp_score_top,
  in_spend_decile_high AS spend_decile_high,
  in_recent_buyers AS recent_buyers,
  in_score_arith AS score_arith,
  "in_tiers.high" AS "tiers.high",
  "in_tiers.medium" AS "tiers.medium",
  "in_tiers.low" AS "tiers.low",
  "in_tiers.none_yet" AS "tiers.none_yet",
  "in_tiers.high" AS tier_high,
  in_tier_not_low AS tier_not_low,
  in_tier_in AS tier_in,
  "in_rfm_p.champions" AS "rfm_p.champions",
  "in_rfm_p.loyal" AS "rfm_p.loyal",
  "in_rfm_p.at_risk" AS "rfm_p.at_risk",
  "in_rfm_p.hibernating" AS "rfm_p.hibernating",
  in_rfm_missing AS rfm_missing,
  in_rfm_loyal_or_champ AS rfm_loyal_or_champ,
  NOT "in_rfm_p.champions" AS not_champion
FROM segments_1
