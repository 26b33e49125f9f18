WITH agg_deals AS (
  SELECT
    account_id,
    SUM(value) AS deal_sum_value
  FROM deals
  WHERE
    closed_at <= CAST('2026-06-30 00:00:00' AS DATETIME)
  GROUP BY
    account_id
), base AS (
  SELECT
    e.account_id,
    COALESCE(agg_deals.deal_sum_value, 0) AS deal_sum_value
  FROM accounts AS e
  LEFT JOIN agg_deals
    ON e.account_id = agg_deals.account_id
)
SELECT
  account_id
FROM base
WHERE
  deal_sum_value > 10000
