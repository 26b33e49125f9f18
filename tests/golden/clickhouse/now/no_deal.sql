WITH agg_deals AS (
  SELECT
    account_id,
    COUNT(*) AS deal_count
  FROM deals
  WHERE
    closed_at <= now64(6, 'UTC')
  GROUP BY
    account_id
), base AS (
  SELECT
    e.account_id AS account_id,
    COALESCE(agg_deals.deal_count, 0) AS deal_count
  FROM accounts AS e
  LEFT JOIN agg_deals
    ON e.account_id = agg_deals.account_id
)
SELECT
  account_id
FROM base
WHERE
  NOT deal_count >= 1
SETTINGS join_use_nulls = 1
