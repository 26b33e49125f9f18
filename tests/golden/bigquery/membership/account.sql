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
), ranked AS (
  SELECT
    *,
    revenue AS rank_1_value,
    RANK() OVER (ORDER BY revenue DESC) AS rank_1,
    COUNT(revenue) OVER () AS rank_1_n,
    revenue AS rank_2_value,
    RANK() OVER (ORDER BY revenue DESC) AS rank_2,
    COUNT(revenue) OVER () AS rank_2_n,
    revenue AS rank_3_value,
    RANK() OVER (ORDER BY revenue ASC NULLS LAST) AS rank_3,
    COUNT(revenue) OVER () AS rank_3_n
  FROM base
)
SELECT
  account_id,
  COALESCE(employees BETWEEN 50 AND 500, FALSE)
  AND COALESCE(industry IN ('software', 'fintech'), FALSE) AS mid_size,
  deal_sum_value > 10000 AS big_deals,
  NOT rank_1_value IS NULL AND (
    rank_1 - 1
  ) * 100 < 10 * rank_1_n AS top_revenue,
  deal_count_30d >= 1 AS deal_recent,
  NOT deal_count >= 1 AS no_deal,
  NOT rank_2_value IS NULL AND (
    rank_2 - 1
  ) * 100 < 30 * rank_2_n AS top_30_revenue,
  NOT rank_3_value IS NULL AND (
    rank_3 - 1
  ) * 100 < 20 * rank_3_n AS bottom_20_revenue
FROM ranked
