WITH agg_deals AS (
  SELECT
    account_id,
    SUM(value) AS deal_sum_value,
    SUM(CASE WHEN closed_at > CAST('2026-05-31 00:00:00' AS TIMESTAMP) THEN 1 ELSE 0 END) AS deal_count_30d,
    COUNT(*) AS deal_count
  FROM deals
  WHERE
    closed_at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
  GROUP BY
    account_id
), base AS (
  SELECT
    e.account_id,
    e.employees,
    e.industry,
    e.revenue,
    COALESCE(agg_deals.deal_sum_value, 0) AS deal_sum_value,
    COALESCE(agg_deals.deal_count_30d, 0) AS deal_count_30d,
    COALESCE(agg_deals.deal_count, 0) AS deal_count
  FROM accounts AS e
  LEFT JOIN agg_deals
    ON e.account_id = agg_deals.account_id
), valued AS (
  SELECT
    *,
    revenue AS rank_1_value,
    revenue AS rank_2_value,
    revenue AS rank_3_value
  FROM base
), ranks_1 AS (
  SELECT
    rank_1_value AS v,
    SUM(COUNT(*)) OVER (ORDER BY rank_1_value DESC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER () AS n
  FROM valued
  WHERE
    NOT rank_1_value IS NULL
  GROUP BY
    rank_1_value
), ranks_2 AS (
  SELECT
    rank_2_value AS v,
    SUM(COUNT(*)) OVER (ORDER BY rank_2_value DESC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER () AS n
  FROM valued
  WHERE
    NOT rank_2_value IS NULL
  GROUP BY
    rank_2_value
), ranks_3 AS (
  SELECT
    rank_3_value AS v,
    SUM(COUNT(*)) OVER (ORDER BY rank_3_value ASC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER () AS n
  FROM valued
  WHERE
    NOT rank_3_value IS NULL
  GROUP BY
    rank_3_value
), ranked AS (
  SELECT
    valued.*,
    ranks_1.better AS rank_1_better,
    ranks_1.n AS rank_1_n,
    ranks_2.better AS rank_2_better,
    ranks_2.n AS rank_2_n,
    ranks_3.better AS rank_3_better,
    ranks_3.n AS rank_3_n
  FROM valued
  LEFT JOIN ranks_1
    ON valued.rank_1_value = ranks_1.v
  LEFT JOIN ranks_2
    ON valued.rank_2_value = ranks_2.v
  LEFT JOIN ranks_3
    ON valued.rank_3_value = ranks_3.v
)
SELECT
  account_id,
  COALESCE(employees BETWEEN 50 AND 500, FALSE)
  AND COALESCE(industry IN ('software', 'fintech'), FALSE) AS mid_size,
  deal_sum_value > 10000 AS big_deals,
  NOT rank_1_value IS NULL AND rank_1_better * 100 < 10 * rank_1_n AS top_revenue,
  deal_count_30d >= 1 AS deal_recent,
  NOT deal_count >= 1 AS no_deal,
  NOT rank_2_value IS NULL AND rank_2_better * 100 < 30 * rank_2_n AS top_30_revenue,
  NOT rank_3_value IS NULL AND rank_3_better * 100 < 20 * rank_3_n AS bottom_20_revenue
FROM ranked
